from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.dispatch import Signal, receiver


@receiver(user_logged_in, dispatch_uid="one-session-per-user")
def keep_one_session(sender, request, user, **kwargs):
    """Remember this session as the user's only one and end the previous one."""
    previous = user.session_key
    current = request.session.session_key
    if previous and previous != current:
        Session.objects.filter(session_key=previous).delete()
    remember_session(user, current)


def remember_session(user, session_key):
    """Make `session_key` the user's one session (after sign-in, or after Django
    rotated the key: a password change cycles it)."""
    get_user_model().objects.filter(pk=user.pk).update(session_key=session_key or "")
    user.session_key = session_key or ""


# What the accounts services announce, for the apps above them (notifications): accounts
# know no notification (docs/decisions/0006-app-boundaries.md). Sent inside the service's
# transaction. Arguments: user, role, actor, pending (True while it waits for a second
# administrator), key (what makes the announcement unique).
role_granted = Signal()
