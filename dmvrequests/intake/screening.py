"""Attachments screened by content and size: accepted ones become documents (recognised
when they carry a form's text), refused ones are listed with the reason.
"""

from dataclasses import dataclass

from django.conf import settings

from dmvrequests.cases import files
from dmvrequests.intake import parsing, recognition


@dataclass(frozen=True)
class Accepted:
    """An attachment that becomes a legal document, and the form it was recognised as."""

    attachment: parsing.Attachment
    recognition: recognition.Recognition | None

    @property
    def filename(self):
        return self.attachment.filename

    @property
    def content(self):
        return self.attachment.content


def screened(parsed):
    """screen_attachments of the message's attachments, computed once per parsed message."""
    if getattr(parsed, "_screened", None) is None:
        parsed._screened = _screen(parsed.attachments)
    accepted, rejected = parsed._screened
    return accepted, rejected


def _screen(attachments):
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


def screen_attachments(attachments):
    """(accepted, rejected): accepted by content (magic bytes) and size, never by name.

    Accepted PDFs with a text layer are recognised (recognition.recognise)."""
    accepted, rejected = _screen(attachments)
    return accepted, [refusal(item) for item in rejected]


def refusal(item):
    return {"filename": item["filename"], "reason": item["reason"]}


def attachment_problem(content):
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


def refusal_summary(rejected):
    if not rejected:
        return ""
    listed = "; ".join(f"{item['filename']}: {item['reason']}" for item in rejected)
    noun = "attachment" if len(rejected) == 1 else "attachments"
    return f"{len(rejected)} {noun} refused ({listed})."
