from django.utils.functional import SimpleLazyObject


def failed_notifications(request):
    """Administrators see, on every page, how many notifications could not be sent."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_administrator:
        return {}

    def count():
        from dmvrequests.notifications.services import failed

        return failed().count()

    return {"FAILED_NOTIFICATIONS": SimpleLazyObject(count)}
