"""Every write to a case goes through here: `<noun>_<verb>(*, ..., actor)`.

Each service runs in one transaction, validates before saving, and records the
actor in the history. Views, email intake and commands call these; nothing
else writes cases. Status moves follow the one table in `workflow.py`.
"""

from dmvrequests.cases.models import Channel, Status
from dmvrequests.cases.services.base import CaseChanged, WorkflowError
from dmvrequests.cases.services.decisions import (
    case_decide,
    decision_confirm,
    decision_reject_pending,
    needs_second_approval,
    notice_exempt,
    notice_record_sent,
    release_record,
)
from dmvrequests.cases.services.documents import (
    DuplicateDocument,
    checklist_problems,
    document_add,
    document_describe,
    document_verify,
)
from dmvrequests.cases.services.evaluation import case_evaluate, case_policy_input, notice_sync
from dmvrequests.cases.services.officers import (
    officer_case_create,
    officer_document_add,
    officer_info_answer,
)
from dmvrequests.cases.services.requests import (
    DECISION_BUSINESS_DAYS,
    callback_record,
    case_create,
    case_narrative_append,
    case_submit,
    case_transition,
    case_update_intake,
    decision_due_date,
    info_answer,
    info_request,
    needs_callback,
)
from dmvrequests.cases.services.sharing import case_assign, case_share, case_share_revoke

__all__ = [
    "DECISION_BUSINESS_DAYS",
    "Channel",  # the values of case_create's `channel`
    "Status",  # a case's states, for channels that compare them
    "CaseChanged",
    "WorkflowError",
    "callback_record",
    "case_evaluate",
    "case_policy_input",
    "case_share",
    "case_share_revoke",
    "checklist_problems",
    "decision_confirm",
    "decision_due_date",
    "decision_reject_pending",
    "document_add",
    "DuplicateDocument",
    "document_describe",
    "document_verify",
    "info_answer",
    "info_request",
    "needs_callback",
    "needs_second_approval",
    "notice_exempt",
    "notice_record_sent",
    "notice_sync",
    "officer_case_create",
    "officer_document_add",
    "officer_info_answer",
    "release_record",
    "case_assign",
    "case_create",
    "case_decide",
    "case_narrative_append",
    "case_submit",
    "case_transition",
    "case_update_intake",
]
