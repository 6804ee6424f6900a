"""Sign-ins, sign-outs and failed sign-ins, recorded from Django's auth signals.

A sign-in that cannot be recorded is refused (the 503 page; the session is
not saved for a 5xx answer). A sign-out always happens: refusing to end a
session would be the less safe failure, so an unrecorded sign-out is logged
to the application log instead.
"""

import logging

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from dmvrequests.audit.models import Action, Kind, Outcome
from dmvrequests.audit.services import AuditUnavailable, audit_record

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def record_sign_in(sender, request, user, **kwargs):
    try:
        audit_record(kind=Kind.AUTH, action=Action.SIGN_IN, user=user, request=request)
    except AuditUnavailable:
        if request is not None:
            # The error page must not look signed in: the session is not kept.
            request.user = AnonymousUser()
            request.audit_refused_sign_in = True
        raise


@receiver(user_logged_out, dispatch_uid="audit_sign_out")
def record_sign_out(sender, request, user, **kwargs):
    if user is None:
        return
    try:
        audit_record(kind=Kind.AUTH, action=Action.SIGN_OUT, user=user, request=request)
    except AuditUnavailable:
        logger.error("Sign-out of %s was not recorded in the audit log", user.get_username())


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def record_sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the
    # account name that was tried is kept.
    username = str(credentials.get("username", ""))
    try:
        audit_record(
            kind=Kind.AUTH,
            action=Action.SIGN_IN_FAILED,
            outcome=Outcome.FAILURE,
            request=request,
            username=username,
        )
    except AuditUnavailable:
        if request is not None:
            request.audit_refused_sign_in = True
        raise
