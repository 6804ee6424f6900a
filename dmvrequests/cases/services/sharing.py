"""Assignment and sharing. What they allow is the capability model's to say
(cases/capabilities.py), read from the case's assigned counsel and its open shares:
the assigned counsel works on the case like counsel of its office; a share, to a
named user or another office, opens it to read only, until revoked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from dmvrequests.cases.models import CaseShare, DisclosureRequest
from dmvrequests.cases.services.base import WorkflowError, lock, require, save
from dmvrequests.cases.signals import counsel_assigned

if TYPE_CHECKING:
    from accounts.models import Office, User
    from dmvrequests.cases.models import DisclosureRequest


@transaction.atomic
def case_assign(*, case: DisclosureRequest, counsel: User, actor: User) -> DisclosureRequest:
    """Assign (or reassign) counsel; the previous counsel no longer works on the case."""
    case = lock(case)
    require(case, actor, "act")
    if not counsel.is_active or not counsel.is_counsel:
        raise WorkflowError("Only an active counsel can be assigned a case.")
    if not case.is_open:
        raise WorkflowError("A decided or closed case cannot be reassigned.")
    previous = case.assigned_counsel
    if previous == counsel:
        return case
    case.assigned_counsel = counsel
    save(case, actor, f"Assigned to {counsel}")
    counsel_assigned.send(sender=DisclosureRequest, case=case, counsel=counsel)
    return case


@transaction.atomic
def case_share(
    *,
    case: DisclosureRequest,
    actor: User,
    reason: str,
    user: User | None = None,
    office: Office | None = None,
) -> CaseShare:
    case = lock(case)
    require(case, actor, "share")
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
    return save(
        CaseShare(case=case, user=user, office=office, reason=reason, granted_by=actor), actor
    )


@transaction.atomic
def case_share_revoke(*, share: CaseShare, actor: User, reason: str = "") -> CaseShare:
    share = CaseShare.objects.select_for_update().get(pk=share.pk)
    require(share.case, actor, "share")
    if share.revoked_at is not None:
        raise WorkflowError("This share was already revoked.")
    share.revoked_at, share.revoked_by = timezone.now(), actor
    share.revoke_reason = (reason or "").strip()
    return save(share, actor)
