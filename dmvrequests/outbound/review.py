"""Counsel's review of unrecorded-disclosure items (docs/outbound.md, "Counsel's review").

Three outcomes, each in one transaction and in the item's history (simple-history records
the actor): link the item to an existing case, open a case for it after the fact (channel
"Outbound, unrecorded", the sender and what was sent recorded in its narrative; the case page
then runs the policy engine on it), or dismiss it with a reason. Only counsel act; an item
already reviewed is not reviewed again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dmvrequests.agencies.services import requester_find_or_create
from dmvrequests.cases.selectors import CaseNotVisible, case_get_for
from dmvrequests.cases.services import WorkflowError, case_create
from dmvrequests.codes import AgencyKind, Purpose, RecordCategory
from dmvrequests.mail.text import domain_of
from dmvrequests.outbound.identifiers import KIND_LABELS, subject_identifiers, without_ssns
from dmvrequests.outbound.models import OutboundMessage, ReviewStatus
from dmvrequests.timewords import moment_words

if TYPE_CHECKING:
    from accounts.models import User
    from dmvrequests.agencies.models import Requester
    from dmvrequests.cases.models import DisclosureRequest

# What each identifier found says was sent, as the policy engine's record categories.
CATEGORIES_OF = {
    "license_number": RecordCategory.LICENSE_RECORD,
    "date_of_birth": RecordCategory.LICENSE_RECORD,
    "plate": RecordCategory.VEHICLE_REGISTRATION,
    "vin": RecordCategory.VEHICLE_REGISTRATION,
    "ssn": RecordCategory.SSN,
}


def suggested_categories(item: OutboundMessage) -> list[str]:
    """The record categories the identifiers found point to, in the code list's order."""
    found = {CATEGORIES_OF[k] for k, n in item.identifiers.items() if n and k in CATEGORIES_OF}
    return [c for c in RecordCategory.values if c in found]


def suggested_purpose(item: OutboundMessage) -> str:
    if item.agency_kind == AgencyKind.IMMIGRATION:
        return Purpose.CIVIL_IMMIGRATION_ENFORCEMENT
    return Purpose.OTHER


def _locked_open_item(item: OutboundMessage, actor: User) -> OutboundMessage:
    if not actor.is_counsel:
        raise WorkflowError("Only counsel review staff email found in the mail journal.")
    item = OutboundMessage.objects.select_for_update().get(pk=item.pk)
    if item.review_status != ReviewStatus.OPEN:
        raise WorkflowError(
            f"This item was already reviewed ({item.get_review_status_display().lower()})."
        )
    return item


def _close(item: OutboundMessage, actor: User, status: str, reason: str = "") -> None:
    item.review_status = status
    item.review_reason = reason
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()
    item.save()


@transaction.atomic
def item_link(*, item: OutboundMessage, number: str, actor: User) -> DisclosureRequest:
    """Link the item to the case `number` counsel may see; WorkflowError when there is none."""
    item = _locked_open_item(item, actor)
    try:
        case = case_get_for(actor, number.strip().upper())
    except CaseNotVisible:
        raise WorkflowError(
            f"No case {number.strip()[:20]} that you may see. Check the number (DR-YYYY-NNNNNN)."
        ) from None
    item.case = case
    _close(item, actor, ReviewStatus.LINKED)
    return case


@transaction.atomic
def item_open_case(
    *, item: OutboundMessage, purpose: str, categories: list[str], actor: User
) -> DisclosureRequest:
    """Open a case after the fact for the item: what was sent, to whom, by whom."""
    item = _locked_open_item(item, actor)
    if item.agency is None:
        raise WorkflowError("The agency this email went to is no longer in the directory.")
    office = item.office or actor.office
    if office is None:
        raise WorkflowError("Neither the sender nor you belong to an office to hold the case.")
    case = case_create(
        office=office,
        agency=item.agency,
        requester=recipient_at_agency(item, actor),
        channel="outbound",
        received_at=item.sent_at or item.created_at,
        purpose=purpose,
        categories=categories,
        actor=actor,
        narrative=case_narrative(item),
        **subject_identifiers(f"{item.subject}\n{item.text}"),
    )
    item.case = case
    _close(item, actor, ReviewStatus.CASE_OPENED)
    return case


def recipient_at_agency(item: OutboundMessage, actor: User) -> Requester | None:
    """The case's requester: the email's first recipient at the item's agency (To, then Cc,
    then Bcc), found in the directory by address or added with the address as name (an
    email says no more of who received it). None when no recipient is at the agency."""
    assert item.agency is not None  # item_open_case refuses an item without its agency
    for address in item.recipient_list:
        if not item.agency.matches_domain(domain_of(address)):
            continue
        try:
            return requester_find_or_create(
                agency=item.agency, actor=actor, name=address, email=address
            )
        except ValidationError:
            continue  # an address the directory cannot hold (too long): the next one
    return None


@transaction.atomic
def item_dismiss(*, item: OutboundMessage, reason: str, actor: User) -> None:
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Say why the item is dismissed.")
    item = _locked_open_item(item, actor)
    _close(item, actor, ReviewStatus.DISMISSED, reason)


def case_narrative(item: OutboundMessage) -> str:
    """The case's narrative: that it was found after the fact, who sent what to whom."""
    found = ", ".join(f"{KIND_LABELS[k]}: {n}" for k, n in item.identifiers.items() if n) or "none"
    sent = moment_words(item.sent_at) if item.sent_at else "an unknown date"
    lines = [
        "Opened after the fact by counsel: a staff email found in the mail journal, sent "
        "without a case.",
        f"Sent by: {item.sender_name or ''} <{item.sender_address}>"
        + (f", office {item.office}" if item.office else ""),
        f"Sent on: {sent}",
        f"To: {', '.join(item.recipient_list)}",
        f"Subject: {without_ssns(item.subject) or '(no subject)'}",
        f"Identifiers found: {found}",
        f"Attachments: {', '.join(item.attachment_names) or 'none'}",
        "",
        without_ssns(item.text)[:20000],
    ]
    return "\n".join(lines).strip()


def review_choices() -> dict[str, Any]:
    return {"purposes": Purpose.choices, "categories": RecordCategory.choices}
