"""Reads of intake data for the quarantine pages.

Held messages belong to no office yet (the office is chosen on release), so
every clerk sees the whole quarantine; other roles see none of it. A released
message is its case's: only those who may see the case read it.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import get_object_or_404

from dmvrequests.cases.capabilities import visible_cases
from dmvrequests.cases.services import WorkflowError
from dmvrequests.intake import parsing
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import attachment_problem, read_raw

# Column name in the page -> model field; "-name" sorts descending.
SORTS = {"arrived": "received_at", "sender": "from_address", "subject": "subject"}
DEFAULT_SORT = "arrived"  # oldest first, so that nothing waits forever
MAX_HEADERS_SHOWN = 200


def quarantine_held(sort=DEFAULT_SORT):
    """(held messages in the asked order, the sort actually applied)."""
    name = sort.lstrip("-")
    if name not in SORTS:
        sort, name = DEFAULT_SORT, DEFAULT_SORT
    direction = "-" if sort.startswith("-") else ""
    held = InboundMessage.objects.held().order_by(f"{direction}{SORTS[name]}", "id")
    return held, sort


def quarantined_message_for(user, pk):
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
    """What a clerk reads on the quarantine page: all text, to be escaped by the template."""

    headers: list = field(default_factory=list)
    body: str = ""
    content_read: bool = False
    attachments: list = field(default_factory=list)
    unavailable: str = ""


def message_display(message):
    try:
        raw = read_raw(message)
    except WorkflowError as exc:
        return MessageDisplay(unavailable=exc.message)
    parsed = parsing.parse_message(raw)
    attachments = [
        {
            "filename": attachment.filename,
            "size": len(attachment.content or b""),
            "problem": attachment_problem(attachment.content),
        }
        for attachment in parsed.attachments
    ]
    return MessageDisplay(
        headers=parsing.header_fields(raw)[:MAX_HEADERS_SHOWN],
        body=parsed.body,
        content_read=parsed.content_read,
        attachments=attachments,
    )
