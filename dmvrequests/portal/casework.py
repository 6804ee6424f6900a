"""What the portal does with a request after it is sent: the officer answers the legal unit's
question in place (text and new legal documents), officer and staff exchange messages on the
case, staff deliver released records as files, and the officer downloads them through signed
links that expire (docs/portal.md). Cases change only through the case services; the
portal's own rows (`PortalMessage`, `ReleaseFile`) are written here.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from dmvrequests import files
from dmvrequests.agencies.models import Officer
from dmvrequests.cases.selectors import officer_requests
from dmvrequests.cases.services import (
    Channel,
    Status,
    officer_document_add,
    officer_info_answer,
)
from dmvrequests.notifications.models import Kind
from dmvrequests.notifications.services import email_queue
from dmvrequests.portal.models import (
    MESSAGE_MAX_LENGTH,
    MessageDirection,
    PortalMessage,
    ReleaseFile,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User
    from dmvrequests.cases.capabilities import CaseCapabilities
    from dmvrequests.cases.models import DisclosureRequest

DOWNLOAD_SALT = "dmvrequests.portal.release-file"
# Released records are delivered once a decision allows it: approved, or already released.
DELIVERABLE_STATUSES = (Status.APPROVED, Status.FULFILLED)


class LinkExpired(Exception):
    """A download link older than PORTAL_DOWNLOAD_LINK_DAYS."""


class LinkInvalid(Exception):
    """A download link that is broken, not ours, or not for this officer."""


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write your message before sending it."})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": f"Keep the message to {MESSAGE_MAX_LENGTH:,} characters; it has {len(body):,}."
            }
        )
    return body


def _visible(officer: Officer, case: DisclosureRequest) -> None:
    if not officer_requests(officer).filter(pk=case.pk).exists():
        raise PermissionDenied("This request is not one you may see.")


@transaction.atomic
def answer_in_place(
    *, officer: Officer, case: DisclosureRequest, answer: str, documents: list[dict[str, Any]]
) -> DisclosureRequest:
    """The officer's answer to the open question with new legal documents (each the arguments
    of `officer_document_add`: type, issuer, court, docket_number, dates, upload), all or
    nothing: the documents are attached, then `officer_info_answer` returns the case to legal
    review (its status change tells the agency's webhook). Raises WorkflowError (not waiting
    for information, a refused file, the officer may not submit) or ValidationError."""
    for document in documents:
        officer_document_add(officer=officer, case=case, **document)
    return officer_info_answer(officer=officer, case=case, answer=answer)


def _notify_staff(message: PortalMessage) -> None:
    """Email the case's assigned counsel; without one, the message waits on the case page."""
    case = message.case
    counsel = case.assigned_counsel
    if counsel is None:
        return
    email_queue(
        kind=Kind.PORTAL,
        recipients=[counsel],
        subject=f"{case.number}: a message from {case.agency.name}",
        template="portal/email/staff_message.txt",
        context={"case": case, "message": message},
        dedupe=f"portal-message-staff:{message.pk}",
        case=case,
    )


@transaction.atomic
def message_from_officer(*, officer: Officer, case: DisclosureRequest, body: str) -> PortalMessage:
    """The officer writes to the legal unit on a request they may see; the case's counsel (or
    the clerk who logged it) is emailed. Raises PermissionDenied outside the officer's scope,
    ValidationError for an empty or too long message."""
    _visible(officer, case)
    message = PortalMessage.objects.create(
        case=case,
        direction=MessageDirection.FROM_AGENCY,
        author=officer.user,
        author_name=officer.name,
        body=_clean_body(body),
    )
    _notify_staff(message)
    return message


def officers_of(case: DisclosureRequest) -> list[Officer]:
    """The active officers who follow `case` on the portal: the one who sent it."""
    if case.channel != Channel.PORTAL or case.requester_id is None:
        return []
    return list(Officer.objects.filter(requester_id=case.requester_id, active=True))


def _require_portal_case(case: DisclosureRequest, caps: CaseCapabilities) -> list[Officer]:
    if not caps.act:
        raise PermissionDenied(caps.refusal("act"))
    officers = officers_of(case)
    if not officers:
        raise ValidationError(
            f"{case.number} did not come from an officer on the agency portal; write to the "
            "agency by letter or email instead."
        )
    return officers


def email_officers(officers: list[Officer], case: DisclosureRequest, what: str, **context):
    email_queue(
        kind=Kind.PORTAL,
        recipients=[o.email for o in officers],
        subject=f"{case.number}: {context['subject']}",
        template=f"portal/email/{what}.txt",
        context={"case": case, **context},
        dedupe=f"portal-{what}:{context['dedupe']}",
        case=case,
    )


@transaction.atomic
def message_to_agency(
    *, actor: User, case: DisclosureRequest, caps: CaseCapabilities, body: str, site: str
) -> PortalMessage:
    """Staff write to the officer on a portal request; the officer is emailed a link to the
    request's status page (`site`: scheme and host). Raises PermissionDenied for a user who
    may not act on the case, ValidationError for a case that did not come through the
    portal or an empty or too long message."""
    officers = _require_portal_case(case, caps)
    message = PortalMessage.objects.create(
        case=case,
        direction=MessageDirection.TO_AGENCY,
        author=actor,
        author_name=actor.get_full_name() or actor.get_username(),
        body=_clean_body(body),
    )
    link = site.rstrip("/") + reverse("portal:request", args=[case.number])
    email_officers(
        officers,
        case,
        "message",
        subject="a message from the DMV's legal unit",
        link=link,
        dedupe=message.pk,
    )
    return message


@transaction.atomic
def release_file_add(
    *,
    actor: User,
    case: DisclosureRequest,
    caps: CaseCapabilities,
    upload: UploadedFile,
    description: str = "",
    site: str,
) -> ReleaseFile:
    """Deliver a file of released records to the officer on the portal, once the request is
    approved (or released). The file is judged by its first bytes (PDF, PNG, JPEG or TIFF) and
    refused above LEGAL_DOCUMENT_MAX_BYTES; the officer is emailed. Raises PermissionDenied or
    ValidationError (by field) with what to do; nothing is saved then. Recording the release
    in the disclosure ledger stays the case page's release form."""
    officers = _require_portal_case(case, caps)
    if case.status not in DELIVERABLE_STATUSES:
        raise ValidationError(
            f"{case.number} is “{case.get_status_display()}”: records are delivered once "
            "counsel has approved the request."
        )
    name = files.safe_filename(upload.name)
    head = upload.read(16)
    upload.seek(0)
    content_type = files.sniff_content_type(head)
    if content_type is None:
        raise ValidationError(
            {"file": f"{name} is not a {files.ACCEPTED_DESCRIPTION} file; save it as one."}
        )
    limit = settings.LEGAL_DOCUMENT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ValidationError({"file": f"{name} is larger than {limit / 1048576:.0f} MB."})
    sha256, size = files.sha256_of(upload.chunks())
    upload.seek(0)
    release_file = ReleaseFile(
        case=case,
        original_filename=name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        description=(description or "").strip(),
        uploaded_by=actor,
    )
    release_file.file.save(name, upload, save=False)
    release_file.save()
    email_officers(
        officers,
        case,
        "records_ready",
        subject="records are ready to download",
        link=site.rstrip("/") + reverse("portal:request", args=[case.number]),
        days=settings.PORTAL_DOWNLOAD_LINK_DAYS,
        dedupe=release_file.pk,
    )
    return release_file


def link_lifetime() -> timedelta:
    return timedelta(days=settings.PORTAL_DOWNLOAD_LINK_DAYS)


def download_token(*, officer: Officer, release_file: ReleaseFile) -> str:
    """A signed, timestamped token (django.core.signing, HMAC with SECRET_KEY) naming the file
    and the officer; it works for PORTAL_DOWNLOAD_LINK_DAYS days, for that officer only."""
    return signing.dumps({"file": release_file.pk, "officer": officer.pk}, salt=DOWNLOAD_SALT)


def release_file_for_token(*, officer: Officer, token: str) -> ReleaseFile:
    """The file a download link names, checked again against the officer's scope. Raises
    LinkExpired after the link's lifetime and LinkInvalid for a broken link, another
    officer's link, or a file the officer may no longer see."""
    try:
        data = signing.loads(token, salt=DOWNLOAD_SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict) or data.get("officer") != officer.pk:
        raise LinkInvalid
    file_id = data.get("file")
    if not isinstance(file_id, int):
        raise LinkInvalid
    found = (
        ReleaseFile.objects.filter(pk=file_id, case__in=officer_requests(officer))
        .select_related("case")
        .first()
    )
    if found is None:
        raise LinkInvalid
    return found
