"""Legal documents: stored by their bytes, verified by counsel's checklist."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dmvrequests import files
from dmvrequests.cases.models import (
    DocumentVerification,
    LegalDocument,
    Status,
    VerificationResult,
)
from dmvrequests.cases.services.base import WorkflowError, require, save
from dmvrequests.policy.engine import COURT_ISSUED, NONJUDICIAL_TYPES
from dmvrequests.vocabulary import Issuer

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from dmvrequests.cases.models import DisclosureRequest


def _logged_by(case: DisclosureRequest, actor: User | None) -> bool:
    """A clerk who releases an emailed request into another office's case files the
    documents that came with it as the case is created; once the case is submitted it
    is that office's alone (and the clerk cannot open it at all: 404)."""
    return actor is not None and case.created_by_id == actor.pk and case.status == Status.RECEIVED


# What a checklist must confirm before a document counts. Confirming with the
# court is recorded when done but not required: not every court answers the
# phone, and counsel's judgement stays theirs.
REQUIRED_CHECKS = (
    "type_identified",
    "signed_by_judge",
    "court_named",
    "docket_present",
    "dates_valid",
    "subject_matches",
    "scope_covers",
)
CHECKS = (*REQUIRED_CHECKS, "confirmed_with_court")
# Documents no judge signs: for these, "signed by a judge" and "court named" do not apply.
NON_JUDICIAL_TYPES = ("subject_consent", "administrative_subpoena", "none")
JUDGE_CHECKS = ("signed_by_judge", "court_named", "docket_present")


def file_refusal(name: str, head: bytes, size: int, max_bytes: int) -> str:
    """Why a legal document's file cannot be stored, or "": its first bytes are not a PDF,
    PNG, JPEG or TIFF whatever its name says, or it is larger than `max_bytes`. The same
    words on the case page's forms (said at the field) and from the API (this service)."""
    if files.sniff_content_type(head) is None:
        return (
            f"{name} is not a {files.ACCEPTED_DESCRIPTION} file. "
            "Scan or save the document in one of these formats and upload it again."
        )
    if size > max_bytes:
        return (
            f"{name} is {size / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.0f} MB. "
            "Split or compress the document and upload it again."
        )
    return ""


def _file_facts(
    upload: UploadedFile | None, content: bytes | None, filename: str, max_bytes: int
) -> tuple[str, str]:
    if upload is not None:
        head = upload.read(16)
        upload.seek(0)
        size, filename = upload.size or 0, filename or upload.name or ""
    else:
        assert content is not None  # document_add passes an upload or content
        head, size = content[:16], len(content)
    name = files.safe_filename(filename)
    refused = file_refusal(name, head, size, max_bytes)
    if refused:
        raise WorkflowError(refused)
    content_type = files.sniff_content_type(head)
    assert content_type is not None  # file_refusal refused any other
    return name, content_type


@transaction.atomic
def document_add(
    *,
    case: DisclosureRequest,
    actor: User | None,
    type: str,
    issuer: str = "none",
    upload: UploadedFile | None = None,
    content: bytes | None = None,
    filename: str = "",
    max_bytes: int | None = None,
    **details: Any,
) -> LegalDocument:
    """Attach a legal document; the file (an upload or raw bytes) is optional.

    `details`: signer_name, signer_title, court, court_state, docket_number,
    issued_on, expires_on. The file's type is judged by its first bytes; anything
    but PDF, PNG, JPEG or TIFF is refused with a message, and nothing is stored.
    """
    if not _logged_by(case, actor):
        require(case, actor, "act")
    return document_attach(
        case=case,
        actor=actor,
        type=type,
        issuer=issuer,
        upload=upload,
        content=content,
        filename=filename,
        max_bytes=max_bytes,
        **details,
    )


def document_attach(
    *,
    case: DisclosureRequest,
    actor: User | None,
    type: str,
    issuer: str = "none",
    upload: UploadedFile | None = None,
    content: bytes | None = None,
    filename: str = "",
    max_bytes: int | None = None,
    **details: Any,
) -> LegalDocument:
    """document_add without the capability check: for callers that checked who may add
    (the agency portal and API check the officer's scope, `officer_document_add`). Call it
    inside a transaction."""
    if not case.accepts_documents:
        raise WorkflowError("Documents cannot be added to a decided or closed case.")
    refusal = issue_date_refusal(details.get("issued_on"))
    if refusal:
        raise WorkflowError({"issued_on": refusal})
    document = LegalDocument(
        case=case, type=type, issuer=issuer or "none", uploaded_by=actor, **details
    )
    document.court_state = (document.court_state or "").upper()
    if upload is not None or content is not None:
        max_bytes = max_bytes or settings.LEGAL_DOCUMENT_MAX_BYTES
        name, document.content_type = _file_facts(upload, content, filename, max_bytes)
        chunks = upload.chunks() if upload is not None else [content]
        document.sha256, document.size = files.sha256_of(chunks)
        _refuse_duplicate(case, document.sha256, name)
        document.original_filename = name
        if upload is not None:
            upload.seek(0)
        document.file.save(name, upload if upload is not None else ContentFile(content), save=False)
    try:
        return save(document, actor)
    except Exception:
        # The file is written before the row: remove it so that a refused or
        # failed save leaves nothing behind.
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise


class DuplicateDocument(WorkflowError):
    """The case already holds a file with these bytes (same SHA-256); nothing was stored."""


def _refuse_duplicate(case: DisclosureRequest, sha256: str, name: str) -> None:
    """Refuse a file whose bytes (SHA-256) this case already holds, naming the earlier copy
    as the case page's "Legal documents" table shows it, so nobody checks it twice."""
    earlier = case.documents.filter(sha256=sha256).order_by("uploaded_at", "id").first()
    if earlier is None:
        return
    added = timezone.localtime(earlier.uploaded_at)
    described = "not described yet" if earlier.type == "none" else earlier.get_type_display()
    raise DuplicateDocument(
        f"{name} was already added to this case on {added:%B} {added.day}, {added:%Y} "
        f"as {earlier.original_filename or 'a document'} ({described}). Nothing was added: "
        "describe or check that document instead, or upload a different file."
    )


# What describing a document may set: the facts a clerk reads off the document.
DESCRIBED_FIELDS = (
    "type",
    "issuer",
    "signer_name",
    "signer_title",
    "court",
    "court_state",
    "docket_number",
    "issued_on",
    "expires_on",
)
ALREADY_CHECKED = "Counsel has already checked this document; add a new one if it was wrong."


def describable(document: LegalDocument) -> bool:
    """A document can be described (classified, corrected) until counsel checks it."""
    return not document.verified and not document.verifications.exists()


@transaction.atomic
def document_describe(
    *, case: DisclosureRequest, document: LegalDocument, actor: User, **fields: Any
) -> LegalDocument:
    """Say what a stored document is (an emailed file arrives as "No legal document"), or
    correct what intake recognised: its type, signer, court, docket and dates. The stored
    file stays as it is. Refused once counsel has verified or rejected the document: the
    checklist judged what the document said then.

    `fields`: any of DESCRIBED_FIELDS. The policy reads the documents as they are each
    time it evaluates, and a described document counts only once counsel verifies it.
    """
    require(case, actor, "act")
    document = LegalDocument.objects.select_for_update().get(pk=document.pk, case_id=case.pk)
    if not describable(document):
        raise WorkflowError(ALREADY_CHECKED)
    if not case.accepts_documents:
        raise WorkflowError("Documents of a decided or closed case cannot be described.")
    unknown = set(fields) - set(DESCRIBED_FIELDS)
    if unknown:
        raise TypeError(f"document_describe() cannot set {', '.join(sorted(unknown))}")
    refusal = issue_date_refusal(fields.get("issued_on"))
    if refusal:
        raise WorkflowError({"issued_on": refusal})
    for name, value in fields.items():
        setattr(document, name, value)
    document.issuer = document.issuer or "none"
    document.court_state = (document.court_state or "").upper()
    return save(document, actor, f"Described as: {document.get_type_display()}")


def checklist_problems(document: LegalDocument, checks: dict[str, bool]) -> list[str]:
    """What stops the checklist from verifying the document, in words."""
    required = [
        c
        for c in REQUIRED_CHECKS
        if not (document.type in NON_JUDICIAL_TYPES and c in JUDGE_CHECKS)
    ]
    labels = {f.name: f.verbose_name for f in DocumentVerification._meta.fields}
    return [str(labels[c]) for c in required if not checks.get(c)]


def _correct_first(document: LegalDocument, what: str) -> str:
    """How to put the document's record right before the checklist says otherwise."""
    if describable(document):
        return (
            f"If {what}, correct the document's record first with “Describe this document” "
            "on the case page, then fill in the checklist."
        )
    return (
        f"If {what}, add the document again with its right description (the record of a "
        "document counsel has checked cannot change) and check that one."
    )


def judge_signature_contradiction(document: LegalDocument, checks: dict[str, bool]) -> str:
    """What is said when the checklist says "signed by a judge" of a document recorded as one
    no judge of a court signs: an administrative type (the policy engine's
    NONJUDICIAL_TYPES: an ICE I-200 or I-205, a detainer, a notice to appear, an
    administrative subpoena) or a recorded signer who is not a court's (an immigration
    officer, another officer, an immigration judge: outside the engine's COURT_ISSUED).
    "" when there is no contradiction."""
    if not checks.get("signed_by_judge"):
        return ""
    recorded = f"“{document.get_type_display()}”"
    if document.issuer != Issuer.NONE and document.issuer not in COURT_ISSUED:
        recorded += f" signed by “{document.get_issuer_display()}”, not by a judge of a court"
    elif document.type in NONJUDICIAL_TYPES:
        recorded += ", a document no judge signs"
    else:
        return ""
    return (
        f"This document is recorded as {recorded}, so “It is signed by a judge” cannot be "
        "ticked. " + _correct_first(document, "that record is wrong")
    )


def issue_date_refusal(issued: date | None) -> str:
    """What is said when a legal document's issue date is still to come in the state's time
    zone (the DMV's today, not the server's); "" otherwise. Checked wherever a document is
    added or described: the case page, the agency portal and the API."""
    today = timezone.localdate()
    if issued is None or issued <= today:
        return ""
    return (
        f"The issue date, {issued:%B} {issued.day}, {issued:%Y}, is in the future: enter the "
        "day the document was signed or issued, as printed on it (today, "
        f"{today:%B} {today.day}, {today:%Y}, at the latest)."
    )


def docket_contradiction(document: LegalDocument, checks: dict[str, bool]) -> str:
    """What is said when the checklist says a docket or case number is present on a document
    recorded without one; "" otherwise."""
    if not checks.get("docket_present") or document.docket_number.strip():
        return ""
    return (
        "No docket or case number is recorded for this document, so “A docket or case number "
        "is present” cannot be ticked. " + _correct_first(document, "the document has one")
    )


@transaction.atomic
def document_verify(
    *,
    document: LegalDocument,
    actor: User,
    result: str,
    checks: dict[str, bool],
    notes: str = "",
    confirmed_by_name: str = "",
    confirmed_at: datetime | None = None,
    confirmation_phone: str = "",
) -> DocumentVerification:
    """Record counsel's checklist. A verified result needs every required item confirmed;
    the latest checklist decides whether the document counts for the policy. "Signed by a
    judge" is refused for a document recorded as one no judge of a court signs. The checklist
    form, the one way people fill it in, also refuses "docket present" for a document recorded
    without a docket number (record_forms.py); counsel's checklist is the only caller that
    ticks it."""
    document = LegalDocument.objects.select_for_update().select_related("case").get(pk=document.pk)
    case = document.case
    if not case.accepts_documents:
        raise WorkflowError("Documents of a decided case cannot be verified again.")
    require(case, actor, "decide")
    contradiction = judge_signature_contradiction(document, checks)
    if contradiction:
        raise WorkflowError({"signed_by_judge": contradiction})
    if result == VerificationResult.VERIFIED:
        missing = checklist_problems(document, checks)
        if missing:
            raise WorkflowError(
                "The document cannot be verified while these are unconfirmed: "
                + "; ".join(missing)
                + ". Reject it, or confirm each item."
            )
    if checks.get("confirmed_with_court") and not (confirmed_by_name and confirmed_at):
        raise WorkflowError("Say who at the court confirmed the document, and when.")
    verification = save(
        DocumentVerification(
            document=document,
            result=result,
            notes=notes,
            verified_by=actor,
            confirmed_by_name=confirmed_by_name,
            confirmed_at=confirmed_at,
            confirmation_phone=confirmation_phone,
            **{c: bool(checks.get(c)) for c in CHECKS},
        ),
        actor,
    )
    document.verified = result == VerificationResult.VERIFIED
    save(document, actor, f"Checklist: {verification.get_result_display()}")
    _note_emergency_followup(case, document, actor)
    return verification


def _note_emergency_followup(case: DisclosureRequest, document: LegalDocument, actor: User) -> None:
    """A verified document after an emergency approval is the follow-up process."""
    if not document.verified:
        return
    pending = case.decisions.filter(emergency=True, followup_received_at=None)
    for decision in pending:
        decision.followup_received_at = timezone.now()
        save(decision, actor, f"Follow-up legal process received: {document.get_type_display()}")
