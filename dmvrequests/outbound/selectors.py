"""Reads of the outbound journal for the review pages (who may see them: dmvrequests/access.py,
counsel, administrators and auditors; the views record each read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404

from dmvrequests.codes import AgencyKind
from dmvrequests.mail.parsing import parse_message
from dmvrequests.outbound.identifiers import KIND_LABELS, find_identifiers, license_patterns
from dmvrequests.outbound.models import OutboundMessage, ReviewStatus
from dmvrequests.outbound.services import read_raw

# A sender with at least this many items is shown as a repeated sender.
REPEATED_SENDER = 2
TABS = {"open": "Waiting for counsel", "reviewed": "Reviewed"}


def review_queue(tab: str = "open") -> QuerySet[OutboundMessage]:
    """Flagged items, immigration agencies first, then the newest; with the sender's item count."""
    sender_items = (
        OutboundMessage.objects.filter(sender_address=OuterRef("sender_address"))
        .exclude(review_status="")
        .values("sender_address")
        .annotate(n=Count("id"))
        .values("n")
    )
    items = OutboundMessage.objects.exclude(review_status="")
    items = (
        items.filter(review_status=ReviewStatus.OPEN)
        if tab == "open"
        else items.exclude(review_status=ReviewStatus.OPEN)
    )
    return (
        items.select_related("agency", "office", "case", "reviewed_by")
        .annotate(
            immigration_first=Case(
                When(agency_kind=AgencyKind.IMMIGRATION, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            sender_items=Subquery(sender_items, output_field=IntegerField()),
        )
        .order_by("immigration_first", "-sent_at", "-id")
    )


def item_get(pk: int) -> OutboundMessage:
    """A flagged item (or a linked message) by id; 404 when there is none."""
    item = (
        OutboundMessage.objects.select_related("agency", "office", "case", "sender", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item


def sender_item_count(item: OutboundMessage) -> int:
    return (
        OutboundMessage.objects.filter(sender_address=item.sender_address)
        .exclude(review_status="")
        .count()
    )


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str = ""
    label: str = ""


def highlighted(
    text: str, pattern_source: str | None = None, *, timeout: float | None = None
) -> list[Segment]:
    """`text` cut into plain and identifier segments, for <mark> on the page; the license
    patterns of `pattern_source` (one per line) or, when None, of the setting. `timeout`:
    seconds each license pattern may take (identifiers.PatternTimeout beyond it)."""
    try:
        patterns = license_patterns(pattern_source)
    except ValueError:
        patterns = []
    segments, position = [], 0
    for found in find_identifiers(text, patterns, timeout=timeout):
        if found.start < position:
            continue  # overlapping finds: the first one is shown
        if found.start > position:
            segments.append(Segment(text[position : found.start]))
        segments.append(Segment(text[found.start : found.end], found.kind, KIND_LABELS[found.kind]))
        position = found.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


def attachment_of(item: OutboundMessage, number: int) -> tuple[str, bytes] | None:
    """(filename, bytes) of the item's attachment `number` (from 1), read from the raw message."""
    parsed = parse_message(read_raw(item), enforce_size=False)
    if not 1 <= number <= len(parsed.attachments):
        return None
    attachment = parsed.attachments[number - 1]
    return attachment.filename, attachment.content or b""


def item_page(item: OutboundMessage) -> dict[str, Any]:
    return {
        "item": item,
        "subject_segments": highlighted(item.subject),
        "text_segments": highlighted(item.text),
        "found": [(KIND_LABELS[k], n) for k, n in item.identifiers.items() if n],
        "sender_items": sender_item_count(item),
        "repeated_sender": sender_item_count(item) >= REPEATED_SENDER,
    }
