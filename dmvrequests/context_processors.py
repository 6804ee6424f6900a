from django.conf import settings
from django.utils.functional import SimpleLazyObject


def _demo_usernames():
    """The demo users that exist, in seed_demo's order (one query, only when a page asks)."""
    from accounts.models import User
    from dmvrequests.cases.management.commands.seed_demo import USERS

    names = [username for username, *_ in USERS]
    found = set(
        User.objects.filter(username__in=names, is_active=True).values_list("username", flat=True)
    )
    return [name for name in names if name in found]


def site(request):
    mfa_off = not settings.DMV_REQUIRE_MFA
    return {
        "DMV_NAME": settings.DMV_NAME,
        "MFA_OFF": mfa_off,
        # Demo mode (MFA off, which production refuses): the sign-in page names the demo users.
        "DEMO_USERS": SimpleLazyObject(_demo_usernames) if mfa_off else [],
    }
