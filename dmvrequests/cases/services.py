"""Every write to a case goes through here: `<noun>_<verb>(*, ..., actor)`.

Each service runs in one transaction, validates before saving, and records
the actor in the case history. Views, email intake and commands call these;
nothing else writes cases.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from dmvrequests.cases import files
from dmvrequests.cases.models import (
    APPROVAL_REASONS,
    CaseNumberSequence,
    Decision,
    DecisionOutcome,
    DisclosureRequest,
    LegalDocument,
    ReasonCode,
    Status,
)
from dmvrequests.cases.workflow import TRANSITIONS, Action
from dmvrequests.policy.calendar import add_business_days

# Working days counsel has to decide an ordinary request; emergencies are due next day.
DECISION_BUSINESS_DAYS = 10


class WorkflowError(ValidationError):
    """A move the rules refuse; the message tells the user what to do instead."""


class CaseChanged(WorkflowError):
    """Someone else changed the case between the user's page load and their action."""


def _save(instance, actor):
    instance._history_user = actor
    instance.full_clean()
    instance.save()
    return instance


def decision_due_date(received_date, *, emergency):
    if emergency:
        return received_date + timedelta(days=1)
    return add_business_days(received_date, DECISION_BUSINESS_DAYS)


def _next_case_number(year):
    # Insert the year's counter if it is missing (no error if a concurrent
    # transaction just did), then lock it: numbers are issued one at a time and
    # a rolled-back case rolls its number back too, so there are no gaps.
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(year=year, last=0)], ignore_conflicts=True
    )
    sequence = CaseNumberSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"DR-{year}-{sequence.last:06d}"


@transaction.atomic
def request_create(
    *,
    office,
    agency,
    channel,
    received_at,
    purpose,
    categories,
    actor,
    requester=None,
    subject_name="",
    subject_dob=None,
    subject_license_number="",
    subject_plate="",
    subject_vin="",
    narrative="",
    emergency=False,
    bulk=False,
    requester_verified=False,
):
    case = DisclosureRequest(
        office=office,
        agency=agency,
        requester=requester,
        channel=channel,
        received_at=received_at,
        purpose=purpose,
        categories=sorted(set(categories)),
        subject_name=subject_name,
        subject_dob=subject_dob,
        subject_license_number=subject_license_number.strip().upper(),
        subject_plate=subject_plate.strip().upper().replace(" ", ""),
        subject_vin=subject_vin.strip().upper(),
        narrative=narrative,
        emergency=emergency,
        bulk=bulk,
        requester_verified=requester_verified,
        created_by=actor,
        status=Status.RECEIVED,
    )
    case.due_date = decision_due_date(timezone.localtime(received_at).date(), emergency=emergency)
    case.number = _next_case_number(timezone.localdate().year)
    case._history_user = actor
    case.full_clean(exclude=["number"])
    try:
        case.save()
    except IntegrityError as exc:  # pragma: no cover - the locked counter prevents it
        raise WorkflowError("Could not issue a case number; try again.") from exc
    return case


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


@transaction.atomic
def request_update_intake(*, case, actor, **changes):
    """Change intake fields while the case is still with the clerk."""
    case = _lock(case)
    if case.status not in (Status.RECEIVED, Status.NEEDS_INFO):
        raise WorkflowError(
            "This case is already with legal review; ask counsel to return it before editing."
        )
    unknown = set(changes) - set(INTAKE_FIELDS)
    if unknown:
        raise ValueError(f"Not intake fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(case, name, value)
    case.categories = sorted(set(case.categories))
    case.due_date = decision_due_date(case.received_date, emergency=case.emergency)
    return _save(case, actor)


def _read_upload(upload):
    head = upload.read(16)
    upload.seek(0)
    return head


@transaction.atomic
def document_add(
    *,
    case,
    actor,
    type,
    issuer="none",
    upload=None,
    content=None,
    filename="",
    signer_name="",
    signer_title="",
    court="",
    court_state="",
    docket_number="",
    issued_on=None,
    expires_on=None,
    max_bytes=None,
):
    """Attach a legal document; the file (upload or raw bytes) is optional.

    The file's type is judged by its first bytes; anything but PDF, PNG, JPEG
    or TIFF is refused with a message, and nothing is stored.
    """
    from django.conf import settings

    max_bytes = max_bytes or settings.LEGAL_DOCUMENT_MAX_BYTES
    document = LegalDocument(
        case=case,
        type=type,
        issuer=issuer or "none",
        signer_name=signer_name,
        signer_title=signer_title,
        court=court,
        court_state=(court_state or "").upper(),
        docket_number=docket_number,
        issued_on=issued_on,
        expires_on=expires_on,
        uploaded_by=actor,
    )
    if upload is not None or content is not None:
        if upload is not None:
            head = _read_upload(upload)
            size = upload.size
            filename = filename or upload.name
        else:
            head = content[:16]
            size = len(content)
        content_type = files.sniff_content_type(head)
        if content_type is None:
            raise WorkflowError(
                f"{files.safe_filename(filename)} is not a {files.ACCEPTED_DESCRIPTION} file. "
                "Scan or save the document in one of these formats and upload it again."
            )
        if size > max_bytes:
            raise WorkflowError(
                f"{files.safe_filename(filename)} is {size // (1024 * 1024)} MB; the limit is "
                f"{max_bytes // (1024 * 1024)} MB. Split or compress the document."
            )
        chunks = upload.chunks() if upload is not None else [content]
        document.sha256, document.size = files.sha256_of(chunks)
        document.content_type = content_type
        document.original_filename = files.safe_filename(filename)
        if upload is not None:
            upload.seek(0)
            document.file.save(document.original_filename, upload, save=False)
        else:
            document.file.save(document.original_filename, ContentFile(content), save=False)
    try:
        return _save(document, actor)
    except Exception:
        # The file is written before the row: remove it so that a refused or
        # failed save leaves nothing behind.
        if document.file:
            document.file.storage.delete(document.file.name)
        raise


@transaction.atomic
def document_set_verified(*, document, verified, actor):
    document = LegalDocument.objects.select_for_update().get(pk=document.pk)
    if document.case.status not in (Status.RECEIVED, Status.IN_REVIEW, Status.NEEDS_INFO):
        raise WorkflowError("Documents of a decided case cannot be changed.")
    document.verified = verified
    return _save(document, actor)


def _lock(case, expected_status=None):
    locked = DisclosureRequest.objects.select_for_update().get(pk=case.pk)
    if expected_status and locked.status != expected_status:
        raise CaseChanged(
            f"{locked.number} changed while you were looking at it: it is now "
            f"“{locked.get_status_display()}”. Review the case again before acting."
        )
    return locked


def _check_move(case, action, actor):
    entry = TRANSITIONS.get((case.status, action))
    if entry is None:
        raise WorkflowError(
            f"A case that is “{case.get_status_display()}” cannot be "
            f"“{Action(action).label.lower()}”."
        )
    new_status, roles = entry
    if not actor.has_role(*roles):
        raise WorkflowError(f"Your role cannot {Action(action).label.lower()} a case.")
    return new_status


def case_policy_input(case):
    """The case as the policy engine's request object; only verified documents count."""
    return {
        "received": case.received_date.isoformat(),
        "agency": {
            "kind": case.agency.kind,
            "name": case.agency.name,
            "blocked": case.agency.blocked,
        },
        "purpose": case.purpose,
        "records": list(case.categories),
        "legal_process": [d.as_policy_input() for d in case.documents.all() if d.verified],
        "bulk": case.bulk,
        "emergency": case.emergency,
    }


def case_evaluate(case):
    """(evaluation, profile) under the active profile; evaluation is None without categories."""
    from dmvrequests.policy.services import evaluate_with_profile, profile_active

    profile = profile_active()
    if not case.categories:
        return None, profile
    return evaluate_with_profile(request=case_policy_input(case), profile=profile), profile


@transaction.atomic
def request_submit(*, case, actor, assigned_counsel=None, expected_status=Status.RECEIVED):
    case = _lock(case, expected_status)
    new_status = _check_move(case, Action.SUBMIT, actor)
    if not case.categories:
        raise WorkflowError("Choose at least one record category before submitting.")
    if assigned_counsel is not None:
        if not assigned_counsel.is_counsel or assigned_counsel.office_id != case.office_id:
            raise WorkflowError("Assign the case to counsel of the case's office.")
        case.assigned_counsel = assigned_counsel
        _grant(assigned_counsel, case, COUNSEL_CASE_PERMISSIONS)
    case.status = new_status
    case.submitted_at = timezone.now()
    return _save(case, actor)


@transaction.atomic
def request_decide(
    *,
    case,
    actor,
    outcome,
    categories=(),
    reason="",
    rationale="",
    expected_status=Status.IN_REVIEW,
):
    """Counsel approves (all or some categories) or denies; the engine's evaluation is stored."""
    case = _lock(case, expected_status)
    action = Action.APPROVE if outcome == DecisionOutcome.APPROVED else Action.DENY
    new_status = _check_move(case, action, actor)
    if case.created_by_id == actor.pk:
        raise WorkflowError("You logged this case, so you cannot decide it: another counsel must.")
    evaluation, profile = case_evaluate(case)
    if evaluation is None:
        raise WorkflowError("The case asks for no record category; return it to the clerk.")
    rationale = (rationale or "").strip()
    categories = sorted(set(categories))
    if outcome == DecisionOutcome.APPROVED:
        reason = _approval_guards(case, evaluation, categories, rationale)
    else:
        categories = []
        if not reason or reason in APPROVAL_REASONS or reason not in ReasonCode.values:
            raise WorkflowError("Choose the reason for the denial from the list.")
        if not rationale:
            raise WorkflowError("Write the rationale for the denial.")
    decision = Decision(
        case=case,
        outcome=outcome,
        categories_approved=categories,
        reason=reason,
        rationale=rationale,
        evaluation=evaluation,
        profile_slug=profile.slug,
        profile_version=profile.version,
        decided_by=actor,
    )
    _save(decision, actor)
    case.status = new_status
    case.decided_at = decision.decided_at
    _save(case, actor)
    return decision


def _approval_guards(case, evaluation, categories, rationale):
    if evaluation["decision"] == "deny":
        raise WorkflowError(
            "The policy engine denies this request, so it cannot be approved. "
            "Deny it, or ask the agency for the legal process it lacks."
        )
    if not categories:
        raise WorkflowError("Choose at least one category to approve.")
    outside = set(categories) - set(evaluation["releasable"])
    if outside:
        raise WorkflowError(
            "These categories are not releasable under the profile: "
            + ", ".join(sorted(outside))
            + ". Approve only releasable categories."
        )
    partial = set(categories) != set(case.categories)
    if evaluation["decision"] == "review" and not rationale:
        raise WorkflowError("The engine asks for counsel's judgement: write your rationale.")
    if partial and not rationale:
        raise WorkflowError("Write the rationale for approving only some categories.")
    return ReasonCode.APPROVED_PARTIAL if partial else ReasonCode.APPROVED_FULL


@transaction.atomic
def request_transition(*, case, action, actor, expected_status=None):
    """Moves without extra data: withdraw, close, release recorded, info answered."""
    if action in (Action.APPROVE, Action.DENY, Action.SUBMIT):
        raise ValueError("Use request_decide or request_submit for this action.")
    case = _lock(case, expected_status)
    case.status = _check_move(case, action, actor)
    if case.status == Status.CLOSED:
        case.closed_at = timezone.now()
    return _save(case, actor)


# Object permissions (django-guardian). Counsel read and decide the cases
# assigned to them; a share opens one case to a named user or another office.
COUNSEL_CASE_PERMISSIONS = ("view_disclosurerequest", "decide_disclosurerequest")


def _grant(user, case, permissions):
    from guardian.shortcuts import assign_perm

    for permission in permissions:
        assign_perm(f"cases.{permission}", user, case)


def _revoke(user, case, permissions):
    from guardian.shortcuts import remove_perm

    for permission in permissions:
        remove_perm(f"cases.{permission}", user, case)


@transaction.atomic
def request_assign(*, case, counsel, actor):
    """Assign (or reassign) counsel; the previous counsel loses the case's permissions."""
    case = _lock(case)
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
    _grant(counsel, case, COUNSEL_CASE_PERMISSIONS)
    return _save(case, actor)


@transaction.atomic
def case_share(*, case, actor, reason, user=None, office=None):
    from dmvrequests.cases.models import CaseShare

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
    share = _save(
        CaseShare(case=case, user=user, office=office, reason=reason, granted_by=actor), actor
    )
    if user is not None:
        _grant(user, case, ("view_disclosurerequest",))
    return share


@transaction.atomic
def case_share_revoke(*, share, actor, reason=""):
    from dmvrequests.cases.models import CaseShare

    share = CaseShare.objects.select_for_update().get(pk=share.pk)
    if share.revoked_at is not None:
        raise WorkflowError("This share was already revoked.")
    share.revoked_at = timezone.now()
    share.revoked_by = actor
    share.revoke_reason = (reason or "").strip()
    _save(share, actor)
    if share.user_id and share.user_id != share.case.assigned_counsel_id:
        _revoke(share.user, share.case, ("view_disclosurerequest",))
    return share
