"""What an agency officer does to a request through the portal or the API: submit it, add a
legal document, answer the legal unit's question (docs/portal.md, docs/api.md).

An officer has no role and no office, so the staff capability model does not apply: each
service checks instead that the officer may submit (`Officer.submit_refusal`: approved,
active, verified, agency not blocked) and that the case is one the officer may see
(`selectors.officer_requests`: their own, or the agency's for its portal administrator).
Refusals are WorkflowError with words for the officer; field errors are ValidationError.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Office
from dmvrequests.cases.models import Channel, Status
from dmvrequests.cases.selectors import officer_requests
from dmvrequests.cases.services.base import WorkflowError, lock, save
from dmvrequests.cases.services.documents import DuplicateDocument, document_attach
from dmvrequests.cases.services.requests import case_create, record_answer
from dmvrequests.cases.workflow import TRANSITIONS, CaseAction
from dmvrequests.vocabulary import Purpose, RecordCategory

if TYPE_CHECKING:
    from dmvrequests.agencies.models import Officer
    from dmvrequests.cases.models import DisclosureRequest, LegalDocument

SUBJECT_FIELDS = (
    "subject_name",
    "subject_dob",
    "subject_license_number",
    "subject_plate",
    "subject_vin",
)


def portal_office() -> Office:
    """The office that receives portal and API requests: PORTAL_OFFICE (an office code), else
    INTAKE_OFFICE, else the first office. Raises WorkflowError when there is none."""
    code = getattr(settings, "PORTAL_OFFICE", "") or getattr(settings, "INTAKE_OFFICE", "")
    offices = Office.objects.order_by("id")
    office = offices.filter(code=code).first() if code else offices.first()
    if office is None:
        raise WorkflowError(
            "The DMV cannot take portal requests now (no office receives them); call the "
            "legal unit."
        )
    return office


def _may_submit(officer: Officer) -> None:
    refusal = officer.submit_refusal()
    if refusal:
        raise WorkflowError(refusal)


def _request_problems(
    purpose: str, categories: list[str], attested: bool, fields: dict[str, Any]
) -> dict[str, str]:
    problems = {}
    if purpose not in Purpose.values:
        problems["purpose"] = "Choose one of the purposes listed."
    unknown = [c for c in categories if c not in RecordCategory.values]
    if not categories or unknown:
        problems["categories"] = "Choose at least one record category, from those listed."
    if not any(fields.get(name) for name in SUBJECT_FIELDS):
        problems["subject_name"] = (
            "Identify the subject: a name, date of birth, license number, plate or VIN."
        )
    dob = fields.get("subject_dob")
    if isinstance(dob, date) and not date(1900, 1, 1) <= dob <= timezone.localdate():
        problems["subject_dob"] = "Enter a date of birth between 1900 and today."
    if not attested:
        problems["attested"] = (
            "Attest, under penalty of perjury, that the information is true and the purpose "
            "is as stated."
        )
    return problems


@transaction.atomic
def officer_case_create(
    *,
    officer: Officer,
    purpose: str,
    categories: list[str],
    attested: bool,
    **fields: Any,
) -> DisclosureRequest:
    """A new request from `officer`: channel portal, the officer's requester, verified by the
    account. `fields`: the subject identifiers, narrative, emergency and bulk. Raises
    WorkflowError when the officer may not submit (a blocked agency says why) and
    ValidationError for missing or wrong fields."""
    _may_submit(officer)
    problems = _request_problems(purpose, list(categories), attested, fields)
    if problems:
        raise ValidationError(problems)
    return case_create(
        office=portal_office(),
        agency=officer.agency,
        channel=Channel.PORTAL,
        received_at=timezone.now(),
        purpose=purpose,
        categories=list(dict.fromkeys(categories)),
        actor=officer.user,
        requester=officer.requester,
        requester_verified=True,
        **fields,
    )


def _officer_case(officer: Officer, case: DisclosureRequest) -> DisclosureRequest:
    if not officer_requests(officer).filter(pk=case.pk).exists():
        raise WorkflowError("This request is not one you may act on.")
    return lock(case)


@transaction.atomic
def officer_document_add(
    *, officer: Officer, case: DisclosureRequest, **document: Any
) -> LegalDocument:
    """Add a legal document (document_add's arguments: type, issuer, upload, details) to a
    request the officer may see, while it accepts documents; the file passes the same checks
    as every upload (PDF, PNG, JPEG or TIFF by its first bytes, LEGAL_DOCUMENT_MAX_BYTES)."""
    _may_submit(officer)
    case = _officer_case(officer, case)
    if not case.accepts_agency_documents:
        raise WorkflowError(
            f"{case.number} is decided or closed: it takes no more documents. "
            "Send new legal process with a new request."
        )
    try:
        return document_attach(case=case, actor=officer.user, **document)
    except DuplicateDocument:
        raise WorkflowError(
            f"This file is already on {case.number}: the same file was sent before. "
            "Nothing was added; send a different file if you meant to."
        ) from None


@transaction.atomic
def officer_info_answer(
    *, officer: Officer, case: DisclosureRequest, answer: str
) -> DisclosureRequest:
    """The officer answers the legal unit's question in place: the case returns to legal
    review, its due date moved by the days it waited (as `info_answer`)."""
    _may_submit(officer)
    case = _officer_case(officer, case)
    if case.status != Status.NEEDS_INFO:
        raise WorkflowError(
            f"{case.number} is not waiting for information (it is "
            f"“{case.get_status_display()}”); nothing was recorded."
        )
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Write your answer to the legal unit's question."})
    case.status = TRANSITIONS[(Status.NEEDS_INFO, CaseAction.ANSWER_INFO)][0]
    record_answer(case, answer, officer.user)
    return save(case, officer.user, "Agency answered through the portal; back to legal review")
