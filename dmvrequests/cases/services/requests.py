"""The life of a request from intake to closing, apart from counsel's decision."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from dmvrequests.cases.models import (
    Callback,
    Channel,
    DisclosureRequest,
    InfoRequest,
    NoticeStatus,
    Status,
)
from dmvrequests.cases.services.base import (
    WorkflowError,
    check_move,
    lock,
    require,
    save,
    time_refusal,
)
from dmvrequests.cases.services.evaluation import case_evaluate, notice_sync
from dmvrequests.cases.services.numbering import next_case_number
from dmvrequests.cases.signals import counsel_assigned, emergency_raised
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.policy.calendar import add_business_days

if TYPE_CHECKING:
    from accounts.models import Office, User
    from dmvrequests.agencies.models import Agency

# The longest note on a callback (the form says it at the field; the service refuses longer).
CALLBACK_NOTES_MAX_LENGTH = 2000

# Working days counsel has to decide an ordinary request; emergencies are due next day.
DECISION_BUSINESS_DAYS = 10

INTAKE_FIELDS = (
    "agency",
    "requester",
    "channel",
    "received_at",
    "purpose",
    "categories",
    "subject_name",
    "subject_dob",
    "subject_license_number",
    "subject_plate",
    "subject_vin",
    "narrative",
    "emergency",
    "bulk",
)


def decision_due_date(received_date: date, *, emergency: bool) -> date:
    if emergency:
        return received_date + timedelta(days=1)
    return add_business_days(received_date, DECISION_BUSINESS_DAYS)


def _normalise_identifiers(case: DisclosureRequest) -> None:
    case.subject_license_number = case.subject_license_number.strip().upper()
    case.subject_plate = case.subject_plate.strip().upper().replace(" ", "")
    case.subject_vin = case.subject_vin.strip().upper()
    case.categories = sorted(set(case.categories))


@transaction.atomic
def case_create(
    *,
    office: Office,
    agency: Agency,
    channel: str,
    received_at: datetime,
    purpose: str,
    categories: list[str],
    actor: User | None,
    **fields: Any,
) -> DisclosureRequest:
    """A new case, status received. `fields`: the other intake fields and requester_verified."""
    unknown = set(fields) - set(INTAKE_FIELDS) - {"requester_verified"}
    if unknown:
        raise TypeError(f"Not intake fields: {', '.join(sorted(unknown))}")
    case = DisclosureRequest(
        office=office,
        agency=agency,
        channel=channel,
        received_at=received_at,
        purpose=purpose,
        categories=list(categories),
        created_by=actor,
        status=Status.RECEIVED,
        **fields,
    )
    _normalise_identifiers(case)
    case.due_date = decision_due_date(case.received_date, emergency=case.emergency)
    case.number = next_case_number(timezone.localdate().year)
    save(case, actor)
    if case.emergency:
        emergency_raised.send(sender=DisclosureRequest, case=case)
    return case


@transaction.atomic
def case_narrative_append(
    *, case: DisclosureRequest, text: str, actor: User | None
) -> DisclosureRequest:
    """Add `text` as a new paragraph at the end of the case's narrative (an email reply
    filed on its case), read and written under the case's row lock so that two replies
    arriving together both stay. Raises WorkflowError once the case is past intake, like
    case_update_intake."""
    locked = lock(case)
    return case_update_intake(case=locked, actor=actor, narrative=f"{locked.narrative}\n\n{text}")


@transaction.atomic
def case_update_intake(
    *, case: DisclosureRequest, actor: User | None, **changes: Any
) -> DisclosureRequest:
    """Change intake fields while the case is still with the clerk."""
    case = lock(case)
    require(case, actor, "act")
    if not case.intake_editable:
        raise WorkflowError(
            "This case is already with legal review; ask counsel to return it before editing."
        )
    unknown = set(changes) - set(INTAKE_FIELDS)
    if unknown:
        raise TypeError(f"Not intake fields: {', '.join(sorted(unknown))}")
    was_emergency = case.emergency
    for name, value in changes.items():
        setattr(case, name, value)
    _normalise_identifiers(case)
    case.due_date = decision_due_date(case.received_date, emergency=case.emergency)
    save(case, actor)
    if case.emergency and not was_emergency:
        emergency_raised.send(sender=DisclosureRequest, case=case)
    return case


def needs_callback(case: DisclosureRequest) -> bool:
    """Phone and fax requests, and email that did not prove its sender, are confirmed by
    calling the agency's published number before they go to legal review."""
    if case.requester_verified:
        return False
    return case.channel in (Channel.PHONE, Channel.FAX, Channel.EMAIL)


def callback_time_refusal(case: DisclosureRequest, called_at: datetime) -> str:
    """Why `called_at` cannot be the time of a callback on `case`, or "": in the future, or
    before the request it confirms was received. The callback form says it at the field."""
    return time_refusal(
        called_at,
        what="A callback",
        since=[(case.received_at, "the request was received")],
        enter="Enter when you made the call",
        future="The call's time is in the future. Enter when you made the call.",
    )


def callback_notes_too_long(length: int) -> str:
    """The words for notes over CALLBACK_NOTES_MAX_LENGTH, the same as the form's."""
    return (
        f"The note on the call can be at most {CALLBACK_NOTES_MAX_LENGTH:,} characters; this "
        f"one has {length:,}. Shorten it."
    )


@transaction.atomic
def callback_record(
    *,
    case: DisclosureRequest,
    actor: User,
    answered_by: str,
    called_at: datetime,
    confirmed: bool,
    number_called: str = "",
    notes: str = "",
) -> Callback:
    case = lock(case)
    require(case, actor, "act")
    if not case.is_open:
        raise WorkflowError("The case is no longer open; a callback cannot be added.")
    refused = callback_time_refusal(case, called_at)
    if refused:
        raise WorkflowError({"called_at": refused})
    if len(notes or "") > CALLBACK_NOTES_MAX_LENGTH:
        raise WorkflowError({"notes": callback_notes_too_long(len(notes))})
    if not (number_called or case.agency.published_phone):
        raise WorkflowError(
            "The directory has no published number for this agency. Enter the number you "
            "called (from the agency's official website), and ask an administrator to add it."
        )
    if not answered_by.strip():
        raise WorkflowError("Write the name of the person who answered.")
    callback = save(
        Callback(
            case=case,
            number_called=number_called or case.agency.published_phone,
            answered_by=answered_by.strip(),
            called_at=called_at,
            confirmed=confirmed,
            notes=notes,
            recorded_by=actor,
        ),
        actor,
    )
    if confirmed and not case.requester_verified:
        case.requester_verified = True
        save(case, actor, "Requester confirmed by callback")
    return callback


@transaction.atomic
def case_submit(
    *,
    case: DisclosureRequest,
    actor: User,
    assigned_counsel: User | None = None,
    expected_status: str = Status.RECEIVED,
) -> DisclosureRequest:
    case = lock(case, expected_status)
    new_status = check_move(case, CaseAction.SUBMIT, actor)
    if not case.categories:
        raise WorkflowError("Choose at least one record category before submitting.")
    if needs_callback(case):
        raise WorkflowError(
            "Confirm the requester first: call the agency's published number and record "
            "the callback."
        )
    if assigned_counsel is not None:
        if not assigned_counsel.is_counsel or assigned_counsel.office_id != case.office_id:
            raise WorkflowError("Assign the case to counsel of the case's office.")
        case.assigned_counsel = assigned_counsel
    case.status = new_status
    case.submitted_at = timezone.now()
    save(case, actor)
    if assigned_counsel is not None:
        counsel_assigned.send(sender=DisclosureRequest, case=case, counsel=assigned_counsel)
    evaluation, profile = case_evaluate(case)
    notice_sync(case=case, evaluation=evaluation, profile=profile, actor=actor)
    return case


@transaction.atomic
def info_request(
    *, case: DisclosureRequest, question: str, actor: User, expected_status: str = Status.IN_REVIEW
) -> InfoRequest:
    """Counsel asks for what is missing; the decision clock stops until the answer."""
    case = lock(case, expected_status)
    case.status = check_move(case, CaseAction.REQUEST_INFO, actor)
    question = (question or "").strip()
    if not question:
        raise WorkflowError("Say what the agency must provide.")
    save(case, actor)
    return save(InfoRequest(case=case, question=question, asked_by=actor), actor)


@transaction.atomic
def info_answer(
    *, case: DisclosureRequest, answer: str, actor: User, expected_status: str = Status.NEEDS_INFO
) -> DisclosureRequest:
    """The clerk records the agency's answer; the case returns to review, its due date
    moved by the days it waited."""
    case = lock(case, expected_status)
    case.status = check_move(case, CaseAction.ANSWER_INFO, actor)
    answer = (answer or "").strip()
    if not answer:
        raise WorkflowError("Write down what the agency answered.")
    record_answer(case, answer, actor)
    return save(case, actor, "Agency answered; back to legal review")


def record_answer(case: DisclosureRequest, answer: str, actor: User) -> None:
    """Keep `answer` on the case's open question and move the due date by the calendar days
    the case waited (counted by the state's dates). The caller saves the case."""
    pending = case.info_requests.filter(answered_at=None).order_by("-asked_at").first()
    now = timezone.now()
    if pending is not None:
        pending.answer, pending.answered_by, pending.answered_at = answer, actor, now
        save(pending, actor)
        paused_days = (
            timezone.localtime(now).date() - timezone.localtime(pending.asked_at).date()
        ).days
        if case.due_date and paused_days:
            case.due_date += timedelta(days=paused_days)


@transaction.atomic
def case_transition(
    *, case: DisclosureRequest, action: str, actor: User, expected_status: str | None = None
) -> DisclosureRequest:
    """Moves without data of their own: withdraw and close."""
    if action not in (CaseAction.WITHDRAW, CaseAction.CLOSE):
        raise ValueError(f"{action} has its own service.")
    case = lock(case, expected_status)
    case.status = check_move(case, action, actor)
    if action == CaseAction.CLOSE:
        notice = getattr(case, "notice", None)
        if notice is not None and notice.status == NoticeStatus.DUE:
            raise WorkflowError(
                "The subject notice is still due. Record it as sent, or as exempted with the "
                "reason, before closing the case."
            )
    if case.is_ended:
        case.closed_at = timezone.now()
    return save(case, actor)
