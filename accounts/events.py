"""Account-security events for the audit log (CJIS audit events: lockouts, second-factor
results, enrolments and resets, password changes). Sign-in, sign-out and failed sign-ins
are recorded by the audit app's own signal receivers."""

from axes.signals import user_locked_out
from django.dispatch import receiver

from dmvrequests.audit.models import Action, Kind, Outcome
from dmvrequests.audit.services import audit_record


def mfa_event(*, request, step, outcome=Outcome.SUCCESS, user=None, target=None):
    """`step`: verified, failed, enrolled, backup_codes, reset, too_many_failures.
    `target`: the account acted on, when it is not the actor's own (an administrator's reset)."""
    audit_record(
        kind=Kind.AUTH,
        action=Action.MFA,
        outcome=outcome,
        request=request,
        user=user,
        object_type="accounts.user" if target else "",
        object_id=str(target.pk) if target else "",
        detail={"step": step},
    )


def password_event(*, request, step="changed", user=None, target=None):
    """`step`: changed (by the user), set_by_administrator (`target` names the account)."""
    audit_record(
        kind=Kind.AUTH,
        action=Action.PASSWORD,
        request=request,
        user=user,
        object_type="accounts.user" if target else "",
        object_id=str(target.pk) if target else "",
        detail={"step": step, **({"account": target.get_username()} if target else {})},
    )


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def record_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(
        kind=Kind.AUTH,
        action=Action.LOCKOUT,
        outcome=Outcome.DENIED,
        request=request,
        username=username or "",
    )
