"""What every case service shares: errors users can read, the row lock, the move check."""

from django.core.exceptions import ValidationError

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.cases.workflow import TRANSITIONS, Action


class WorkflowError(ValidationError):
    """A move the rules refuse; the message tells the user what to do instead."""


class CaseChanged(WorkflowError):
    """Someone else changed the case between the user's page load and their action."""


def save(instance, actor, reason=None):
    """Validate, then save with the actor (and a reason) recorded in the history."""
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.full_clean()
    instance.save()
    return instance


def lock(case, expected_status=None):
    """Lock the case row for this transaction. With `expected_status`, refuse if someone
    moved the case since the user loaded the page: two counsel acting at once produce
    exactly one decision, and the other is told plainly."""
    locked = DisclosureRequest.objects.select_for_update().get(pk=case.pk)
    if expected_status and locked.status != expected_status:
        raise CaseChanged(
            f"{locked.number} changed while you were looking at it: it is now "
            f"“{locked.get_status_display()}”. Review the case again before acting."
        )
    return locked


def may_act_on(case, actor):
    """The object rule: the case's own office, or a permission on this very case."""
    if actor.office_id and actor.office_id == case.office_id:
        return True
    if actor.has_perm("cases.view_disclosurerequest", case):
        return True
    return case.shares.filter(office_id=actor.office_id, revoked_at=None).exists()


def check_move(case, action, actor):
    """The table says whether the move exists and which roles may make it."""
    entry = TRANSITIONS.get((case.status, action))
    if entry is None:
        raise WorkflowError(
            f"A case that is “{case.get_status_display()}” cannot be "
            f"“{Action(action).label.lower()}”."
        )
    new_status, roles = entry
    if not actor.has_role(*roles):
        raise WorkflowError(f"Your role cannot {Action(action).label.lower()} a case.")
    if not may_act_on(case, actor):
        raise WorkflowError("This case belongs to another office and is not shared with you.")
    return new_status
