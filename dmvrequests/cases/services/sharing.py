"""Object permissions (django-guardian): counsel read and decide the cases assigned to
them; a share opens one case to a named user or another office, revocably."""

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from dmvrequests.cases.models import CaseShare
from dmvrequests.cases.services.base import WorkflowError, lock, save
from dmvrequests.notifications.services import notify_assignment

COUNSEL_CASE_PERMISSIONS = ("view_disclosurerequest", "decide_disclosurerequest")


def grant_counsel(counsel, case):
    for permission in COUNSEL_CASE_PERMISSIONS:
        assign_perm(f"cases.{permission}", counsel, case)


def _revoke(user, case, permissions):
    for permission in permissions:
        remove_perm(f"cases.{permission}", user, case)


@transaction.atomic
def request_assign(*, case, counsel, actor):
    """Assign (or reassign) counsel; the previous counsel loses the case's permissions."""
    case = lock(case)
    if not counsel.is_active or not counsel.is_counsel:
        raise WorkflowError("Only an active counsel can be assigned a case.")
    if not case.is_open:
        raise WorkflowError("A decided or closed case cannot be reassigned.")
    previous = case.assigned_counsel
    if previous == counsel:
        return case
    if previous is not None:
        _revoke(previous, case, COUNSEL_CASE_PERMISSIONS)
    case.assigned_counsel = counsel
    grant_counsel(counsel, case)
    save(case, actor, f"Assigned to {counsel}")
    notify_assignment(case=case, counsel=counsel)
    return case


@transaction.atomic
def case_share(*, case, actor, reason, user=None, office=None):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Say why the case is shared; the reason is kept in its history.")
    if (user is None) == (office is None):
        raise WorkflowError("Share with either one person or one office.")
    if office is not None and office.pk == case.office_id:
        raise WorkflowError("The case already belongs to that office.")
    open_share = CaseShare.objects.filter(case=case, user=user, office=office, revoked_at=None)
    if open_share.exists():
        raise WorkflowError("The case is already shared with them.")
    share = save(
        CaseShare(case=case, user=user, office=office, reason=reason, granted_by=actor), actor
    )
    if user is not None:
        assign_perm("cases.view_disclosurerequest", user, case)
    return share


@transaction.atomic
def case_share_revoke(*, share, actor, reason=""):
    share = CaseShare.objects.select_for_update().get(pk=share.pk)
    if share.revoked_at is not None:
        raise WorkflowError("This share was already revoked.")
    share.revoked_at, share.revoked_by = timezone.now(), actor
    share.revoke_reason = (reason or "").strip()
    save(share, actor)
    if share.user_id and share.user_id != share.case.assigned_counsel_id:
        _revoke(share.user, share.case, ("view_disclosurerequest",))
    return share
