"""The one transition table of a case: (status, action) -> (new status, roles allowed).

`services.case_transition` is the only code that changes a case's status; it
looks the move up here, so a move that is not in this table cannot happen.
"""

from django.db import models

from accounts.roles import Role
from dmvrequests.cases.models import Status


class CaseAction(models.TextChoices):
    """What a user does to move a case through its workflow (not an `audit.models.Action`,
    which is what the access log records)."""

    SUBMIT = "submit", "Submit for legal review"
    APPROVE = "approve", "Approve"
    CONFIRM = "confirm_approval", "Confirm the approval (second counsel)"
    DENY = "deny", "Deny"
    REQUEST_INFO = "request_info", "Ask the agency for information"
    ANSWER_INFO = "answer_info", "Record the agency's answer"
    FULFIL = "fulfil", "Record the release"
    CLOSE = "close", "Close"
    WITHDRAW = "withdraw", "Record withdrawal"


CLERK, COUNSEL = Role.CLERK, Role.COUNSEL

TRANSITIONS: dict[tuple[str, str], tuple[str, set[str]]] = {
    (Status.RECEIVED, CaseAction.SUBMIT): (Status.IN_REVIEW, {CLERK}),
    (Status.RECEIVED, CaseAction.WITHDRAW): (Status.WITHDRAWN, {CLERK}),
    (Status.IN_REVIEW, CaseAction.APPROVE): (Status.APPROVED, {COUNSEL}),
    (Status.IN_REVIEW, CaseAction.CONFIRM): (Status.APPROVED, {COUNSEL}),
    (Status.IN_REVIEW, CaseAction.DENY): (Status.DENIED, {COUNSEL}),
    (Status.IN_REVIEW, CaseAction.REQUEST_INFO): (Status.NEEDS_INFO, {COUNSEL}),
    (Status.IN_REVIEW, CaseAction.WITHDRAW): (Status.WITHDRAWN, {CLERK, COUNSEL}),
    (Status.NEEDS_INFO, CaseAction.ANSWER_INFO): (Status.IN_REVIEW, {CLERK}),
    (Status.NEEDS_INFO, CaseAction.WITHDRAW): (Status.WITHDRAWN, {CLERK, COUNSEL}),
    (Status.APPROVED, CaseAction.FULFIL): (Status.FULFILLED, {CLERK}),
    (Status.APPROVED, CaseAction.CLOSE): (Status.CLOSED, {COUNSEL}),
    (Status.DENIED, CaseAction.CLOSE): (Status.CLOSED, {CLERK, COUNSEL}),
    (Status.FULFILLED, CaseAction.CLOSE): (Status.CLOSED, {CLERK, COUNSEL}),
}


def actions_for(status, user):
    """Actions the user's role may take from `status` (guards are checked on submit)."""
    return [
        action
        for (from_status, action), (_, roles) in TRANSITIONS.items()
        if from_status == status and user.has_role(*roles)
    ]
