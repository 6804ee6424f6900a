import contextlib
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.backends.base import UpdateError
from django.dispatch import Signal, receiver

# Kept in a session that another sign-in ended: the session holds nothing else (no user),
# so it signs no one in, and the next page it brings says why (accounts/middleware.py).
ENDED_BY_ANOTHER_SIGN_IN = "_ended_by_another_sign_in"


@receiver(user_logged_in, dispatch_uid="one-session-per-user")
def keep_one_session(sender, request, user, **kwargs):
    """Remember this session as the user's only one and end the previous one."""
    previous = user.session_key
    current = request.session.session_key
    if previous and previous != current:
        end_session(previous)
    remember_session(user, current)


def end_session(session_key):
    """Empty the session `session_key` (it signs no one in any more) and mark it ended by
    another sign-in, so that the browser that holds it is told why it was signed out."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    store.clear()
    store[ENDED_BY_ANOTHER_SIGN_IN] = True
    # A session that had already ended (expired, signed out) has nothing to tell.
    with contextlib.suppress(UpdateError):
        store.save()


def remember_session(user, session_key):
    """Make `session_key` the user's one session (after sign-in, or after Django
    rotated the key: a password change cycles it)."""
    get_user_model().objects.filter(pk=user.pk).update(session_key=session_key or "")
    user.session_key = session_key or ""


# What the accounts services announce, for the apps above them (notifications): accounts
# know no notification (docs/decisions/0006-app-boundaries.md). Sent inside the service's
# transaction. Arguments: user, role, actor, previous (the roles before), pending (True while
# it waits for a second administrator), key (what makes the announcement unique).
role_granted = Signal()

# Asked by the role-change confirmation (accounts/admin.py) when a role is taken away: the
# apps above accounts answer with the open work the person holds in that role, so the
# administrator can hand it on. Arguments: user, roles_lost (role names). Each receiver
# returns a list of (label, url). Accounts know no case (docs/decisions/0006-app-boundaries.md).
open_work_asked = Signal()
