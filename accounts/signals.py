from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.dispatch import receiver


@receiver(user_logged_in, dispatch_uid="one-session-per-user")
def keep_one_session(sender, request, user, **kwargs):
    """Remember this session as the user's only one and end the previous one."""
    previous = user.session_key
    current = request.session.session_key
    if previous and previous != current:
        Session.objects.filter(session_key=previous).delete()
    type(user).objects.filter(pk=user.pk).update(session_key=current or "")
    user.session_key = current or ""
