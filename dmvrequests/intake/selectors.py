"""Reads of intake data for the quarantine pages.

Held messages belong to no office yet (the office is chosen on release), so
every clerk sees the whole quarantine; other roles see none of it. A released
message is its case's: only those who may see the case read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from dmvrequests.cases.capabilities import visible_cases
from dmvrequests.intake.models import InboundMessage

if TYPE_CHECKING:
    from accounts.models import User


# Column name in the page -> model field; "-name" sorts descending.
SORTS = {"arrived": "received_at", "sender": "from_address", "subject": "subject"}
DEFAULT_SORT = "arrived"  # oldest first, so that nothing waits forever
MAX_HEADERS_SHOWN = 200


def quarantine_held(sort: str = DEFAULT_SORT) -> tuple[QuerySet[InboundMessage], str]:
    """(held messages in the asked order, the sort actually applied)."""
    name = sort.lstrip("-")
    if name not in SORTS:
        sort, name = DEFAULT_SORT, DEFAULT_SORT
    direction = "-" if sort.startswith("-") else ""
    held = InboundMessage.objects.held().order_by(f"{direction}{SORTS[name]}", "id")
    return held, sort


def quarantined_message_for(user: User, pk: int) -> InboundMessage:
    """A quarantined message for a clerk; 404 for anyone else. A held or discarded message
    belongs to no office, so every clerk may read it; a released one is its case's, and
    follows the case's visibility (cases/capabilities.py)."""
    if not user.is_clerk:
        raise Http404
    messages = InboundMessage.objects.quarantined().select_related("case", "agency", "handled_by")
    message = get_object_or_404(messages, pk=pk)
    if message.case_id and not visible_cases(user).filter(pk=message.case_id).exists():
        raise Http404
    return message


@dataclass
class MessageDisplay:
    """What a reader sees of an email: all text, to be escaped by the template.

    Read from the summary stored at ingest (InboundMessage.summary): no web
    request parses a raw message, whatever its size or shape.
    """

    headers: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # [{"heading", "text"}]
    content_read: bool = False
    attachments: list = field(default_factory=list)  # [{"filename", "size", "problem", ...}]
    notes: list = field(default_factory=list)
    automatic: str = ""
    from_problem: str = ""
    verification: str = ""
    problem: str = ""
    unavailable: str = ""

    @property
    def body(self) -> str:
        return "\n\n".join(
            "\n\n".join(piece for piece in (part["heading"], part["text"]) if piece)
            for part in self.parts
        ).strip()


NO_SUMMARY = (
    "This message arrived before intake stored what it read of each message; its text is not "
    "shown here. An administrator can read the raw message kept in private storage."
)


def message_display(message: InboundMessage) -> MessageDisplay:
    summary = message.summary or {}
    if not summary:
        return MessageDisplay(unavailable=NO_SUMMARY)
    return MessageDisplay(
        headers=[tuple(pair) for pair in summary.get("headers", [])][:MAX_HEADERS_SHOWN],
        parts=summary.get("parts", []),
        content_read=summary.get("content_read", False),
        attachments=summary.get("attachments", []),
        notes=summary.get("notes", []),
        automatic=summary.get("automatic", ""),
        from_problem=summary.get("from_problem", ""),
        verification=summary.get("verification", ""),
        problem=summary.get("problem", ""),
    )


def case_message_for(user: User, pk: int) -> InboundMessage:
    """An email of a case the user may see (its original, as it arrived); 404 otherwise."""
    messages = InboundMessage.objects.filter(case__isnull=False).select_related(
        "case", "agency", "duplicate_of"
    )
    message = get_object_or_404(messages, pk=pk)
    if not visible_cases(user).filter(pk=message.case_id).exists():
        raise Http404
    return message
