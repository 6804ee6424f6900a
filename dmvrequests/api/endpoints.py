"""The API's operations (docs/api.md). Thin: each reads through a selector or writes through
a service, records every read of personal data in the audit trail, and says what went wrong
in the error shape."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import File, Form, Header, Path, Query, Router, Status, UploadedFile

from dmvrequests.agencies.models import Officer
from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.api.errors import ApiError
from dmvrequests.api.schemas import (
    AnswerIn,
    DocumentIn,
    Error,
    LetterOut,
    LetterPdfOut,
    Me,
    Paging,
    RequestIn,
    RequestOut,
    RequestPage,
)
from dmvrequests.audit.models import Action
from dmvrequests.audit.services import access_log, access_log_cases
from dmvrequests.cases import services
from dmvrequests.cases.agency_letters import AgencyLetter, agency_letter_pdf, agency_letters
from dmvrequests.cases.selectors import officer_case_get, officer_requests
from dmvrequests.recognition import recognise_upload
from dmvrequests.vocabulary import label

router = Router()

ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
POST_ERRORS: dict[int, Any] = {**ERRORS, 409: Error}
KEY_PATTERN = r"^[ -~]+$"
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=KEY_PATTERN,
        description="Chosen by the client (a UUID): the same key and request replay the answer.",
    ),
]

# A letter's id: a positive 64-bit integer (the column's range), so no lookup overflows.
LetterId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The letter's id, from the list.")]


def _officer(request: HttpRequest) -> Officer:
    officer = officer_for_user(request.user)
    if officer is None:  # the token's authentication found one; kept for the type checker
        raise ApiError(401, "unauthenticated", "Send an officer's API token.")
    return officer


def _may_submit(officer: Officer) -> None:
    refusal = officer.submit_refusal()
    if refusal:
        raise ApiError(403, "submission_refused", refusal)


def _summary(case: Any) -> dict[str, Any]:
    return {
        "number": case.number,
        "status": case.status,
        "status_words": case.get_status_display(),
        "received_at": case.received_at,
        "purpose": case.purpose,
        "emergency": case.emergency,
        "officer": case.requester.name if case.requester_id else "",
    }


def _document(document: Any) -> dict[str, Any]:
    return {
        "id": document.pk,
        "type": document.type,
        "type_words": label(document.type),
        "issuer": document.issuer,
        "court": document.court,
        "docket_number": document.docket_number,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "filename": document.original_filename,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": document.uploaded_at,
    }


def _detail(request: HttpRequest, case: Any) -> dict[str, Any]:
    """The request as its officer sees it; the read is recorded first (it shows the subject)."""
    access_log(request=request, action=Action.VIEW_CASE, case=case, detail={"channel": "api"})
    return {
        **_summary(case),
        "categories": list(case.categories),
        "subject_name": case.subject_name,
        "subject_dob": case.subject_dob,
        "subject_license_number": case.subject_license_number,
        "subject_plate": case.subject_plate,
        "subject_vin": case.subject_vin,
        "narrative": case.narrative,
        "bulk": case.bulk,
        "due_date": case.due_date,
        "decided_at": case.decided_at,
        "questions": [
            {
                "question": q.question,
                "asked_at": q.asked_at,
                "answer": q.answer,
                "answered_at": q.answered_at,
            }
            for q in case.info_requests.all()
        ],
        "documents": [_document(d) for d in case.documents.all()],
    }


@router.get("/me", response={200: Me, **ERRORS}, summary="The officer the token belongs to")
def me(request: HttpRequest):
    officer = _officer(request)
    token = request.auth  # type: ignore[attr-defined]
    refusal = officer.submit_refusal()
    return {
        "name": officer.name,
        "email": officer.email,
        "agency": officer.agency.name,
        "portal_administrator": officer.is_portal_admin,
        "may_submit": refusal is None,
        "submit_refusal": refusal,
        "token": {"name": token.name, "expires_at": token.expires_at},
    }


@router.get(
    "/requests",
    response={200: RequestPage, **ERRORS},
    summary="Your requests (your agency's, for a portal administrator), newest first",
)
def request_list(
    request: HttpRequest,
    paging: Query[Paging],
):
    page, page_size = paging.page, paging.page_size
    cases = officer_requests(_officer(request))
    count = cases.count()
    shown = list(cases[(page - 1) * page_size : page * page_size])
    access_log_cases(
        request=request, action=Action.LIST_QUEUE, cases=shown, detail={"channel": "api"}
    )
    return {
        "count": count,
        "page": page,
        "pages": max(1, -(-count // page_size)),
        "results": [_summary(case) for case in shown],
    }


@router.post(
    "/requests",
    response={201: RequestOut, **POST_ERRORS},
    summary="Send a new request",
)
def request_create(request: HttpRequest, payload: RequestIn, idempotency_key: IdempotencyKey):
    officer = _officer(request)
    _may_submit(officer)
    fields = payload.dict()
    try:
        case = services.officer_case_create(officer=officer, **fields)
    except services.WorkflowError as exc:
        raise ApiError(403, "submission_refused", _words(exc)) from exc
    return Status(201, _detail(request, case))


@router.get(
    "/requests/{number}",
    response={200: RequestOut, **ERRORS},
    summary="A request: status, questions, documents",
)
def request_detail(request: HttpRequest, number: str):
    case = officer_case_get(_officer(request), number)
    return _detail(request, case)


@router.post(
    "/requests/{number}/documents",
    response={201: RequestOut, **POST_ERRORS},
    summary="Attach a legal document (multipart/form-data)",
)
def document_attach(
    request: HttpRequest,
    number: str,
    file: File[UploadedFile],
    details: Form[DocumentIn],
    idempotency_key: IdempotencyKey,
):
    officer = _officer(request)
    _may_submit(officer)
    case = officer_case_get(officer, number)
    if not case.accepts_agency_documents:
        raise ApiError(
            409, "conflict", f"{case.number} is decided or closed: it takes no more documents."
        )
    recognised = recognise_upload(file)
    try:
        added = services.officer_document_add(
            officer=officer,
            case=case,
            upload=file,
            **details.dict(),
        )
    except services.WorkflowError as exc:
        raise ApiError(422, "invalid", _words(exc), {"file": exc.messages}) from exc
    detail = _detail(request, case)
    if recognised is not None:
        # A hint on this response only: what the PDF's text names, to check the type sent.
        for document in detail["documents"]:
            if document["id"] == added.pk:
                document["recognised_type"] = str(recognised.type)
                document["recognised_as"] = recognised.label
    return Status(201, detail)


@router.post(
    "/requests/{number}/answer",
    response={200: RequestOut, **POST_ERRORS},
    summary="Answer the legal unit's open question",
)
def info_answer(
    request: HttpRequest, number: str, payload: AnswerIn, idempotency_key: IdempotencyKey
):
    officer = _officer(request)
    _may_submit(officer)
    case = officer_case_get(officer, number)
    try:
        case = services.officer_info_answer(officer=officer, case=case, answer=payload.answer)
    except services.WorkflowError as exc:
        raise ApiError(409, "conflict", _words(exc)) from exc
    return Status(200, _detail(request, case))


def _letter(letter: AgencyLetter) -> dict[str, Any]:
    return {
        "id": letter.id,
        "kind": letter.kind,
        "kind_words": letter.kind_words,
        "subject": letter.subject,
        "language": letter.language_name,
        "issued_at": letter.issued_at,
        "filename": letter.filename,
        "pdf_size": letter.pdf_size,
        "pdf_sha256": letter.pdf_sha256,
    }


@router.get(
    "/requests/{number}/letters",
    response={200: list[LetterOut], **ERRORS},
    summary="The letters the DMV issued to your agency about a request, oldest first",
)
def letter_list(request: HttpRequest, number: str):
    case = officer_case_get(_officer(request), number)
    letters = agency_letters(case)
    access_log(
        request=request,
        action=Action.VIEW_CASE,
        case=case,
        detail={"channel": "api", "page": "letters"},
    )
    return [_letter(letter) for letter in letters]


@router.get(
    "/requests/{number}/letters/{letter_id}",
    response={200: LetterPdfOut, **ERRORS},
    summary="One letter with its PDF as issued (base64)",
)
def letter_read(request: HttpRequest, number: str, letter_id: LetterId):
    case = officer_case_get(_officer(request), number)
    found = agency_letter_pdf(case, letter_id)
    if found is None:
        raise ApiError(
            404,
            "not_found",
            "No such letter with a PDF for this request: list them with GET "
            f"/requests/{case.number}/letters.",
        )
    letter, content = found
    access_log(
        request=request,
        action=Action.VIEW_LETTER,
        case=case,
        detail={"channel": "api", "format": "pdf", "letter": letter.id},
    )
    return {**_letter(letter), "pdf_base64": base64.b64encode(content).decode("ascii")}


def _words(exc: services.WorkflowError) -> str:
    """A refusal's message as a sentence (a ValidationError's str() is a Python list)."""
    return " ".join(exc.messages)
