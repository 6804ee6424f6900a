"""Attachments screened by content and size: accepted ones become documents (recognised
when they carry a form's text), refused ones are listed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from dmvrequests import files, recognition
from dmvrequests.mail import parsing

if TYPE_CHECKING:
    from dmvrequests.mail.message import Attachment, ParsedMessage


@dataclass(frozen=True)
class Accepted:
    """An attachment that becomes a legal document, and the form it was recognised as."""

    attachment: parsing.Attachment
    recognition: recognition.Recognition | None

    @property
    def filename(self) -> str:
        return self.attachment.filename

    @property
    def content(self) -> bytes | None:
        return self.attachment.content


def screened(parsed: ParsedMessage) -> tuple[list[Accepted], list[dict[str, Any]]]:
    """screen_attachments of the message's attachments, computed once per parsed message."""
    if getattr(parsed, "_screened", None) is None:
        parsed._screened = _screen(parsed.attachments)  # type: ignore[attr-defined]
    accepted, rejected = parsed._screened  # type: ignore[attr-defined]
    return accepted, rejected


def _screen(attachments: list[Attachment]) -> tuple[list[Accepted], list[dict[str, Any]]]:
    accepted, rejected = [], []
    for attachment in attachments:
        problem = attachment_problem(attachment.content)
        if problem:
            rejected.append(
                {"filename": attachment.filename, "reason": problem, "attachment": attachment}
            )
        else:
            accepted.append(Accepted(attachment, recognition.recognise(attachment.content)))
    return accepted, rejected


def screen_attachments(
    attachments: list[Attachment],
) -> tuple[list[Accepted], list[dict[str, str]]]:
    """(accepted, rejected): accepted by content (magic bytes) and size, never by name.

    Accepted PDFs with a text layer are recognised (recognition.recognise)."""
    accepted, rejected = _screen(attachments)
    return accepted, [refusal(item) for item in rejected]


def refusal(item: dict[str, Any]) -> dict[str, str]:
    return {"filename": item["filename"], "reason": item["reason"]}


def attachment_problem(content: bytes | None) -> str | None:
    """Why an attachment cannot be a document, or None when it can."""
    max_bytes = settings.INTAKE_MAX_ATTACHMENT_BYTES
    if content is None:
        return "its content could not be decoded"
    if not content:
        return "it is empty"
    if files.sniff_content_type(content[:16]) is None:
        return f"its content is not a {files.ACCEPTED_DESCRIPTION} file, whatever its name says"
    if len(content) > max_bytes:
        return (
            f"it is {parsing.human_size(len(content))}; "
            f"the limit is {parsing.human_size(max_bytes)}"
        )
    return None


def refusal_summary(rejected: list[dict[str, str]]) -> str:
    if not rejected:
        return ""
    listed = "; ".join(f"{item['filename']}: {item['reason']}" for item in rejected)
    noun = "attachment" if len(rejected) == 1 else "attachments"
    return f"{len(rejected)} {noun} refused ({listed})."
