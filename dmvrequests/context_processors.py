from django.conf import settings


def site(request):
    return {
        "DMV_NAME": settings.DMV_NAME,
        "MFA_OFF": not settings.DMV_REQUIRE_MFA,
    }
