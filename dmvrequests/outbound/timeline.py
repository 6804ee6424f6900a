"""Staff email from the mail journal on a case: its timeline events and its email thread.

Registered from OutboundConfig.ready(): `email_events` with cases.timeline.register_source,
`thread_cases` with cases.threads.register_thread_source (so an agency's reply to a staff
email threads to the staff email's case in email intake).
"""

from __future__ import annotations

from typing import Any

from dmvrequests.cases.timeline import PERSON, TimelineEvent, TimelineKind, register_rows
from dmvrequests.outbound.models import OutboundMessage, ReviewStatus

EMAIL_KINDS = {TimelineKind.EMAIL}


def _recipients(message: OutboundMessage) -> str:
    addresses = message.recipient_list
    shown = ", ".join(addresses[:3])
    return shown + (f" and {len(addresses) - 3} more" if len(addresses) > 3 else "")


# What the timeline does not read of a staff email: its text, headers and the like.
UNREAD = ("text", "headers", "identifiers", "unread_reason", "review_reason")


def _kept_on(case: Any) -> Any:
    return OutboundMessage.objects.filter(case_id=case.pk)


def register_email_source() -> None:
    """Staff email kept on a case, in the timeline's one query (from the app's ready())."""
    register_rows(
        EMAIL_KINDS,
        OutboundMessage,
        _kept_on,
        email_events,
        joins={"reviewed_by": PERSON},
        leave_out=UNREAD,
        order=("-sent_at", "-id"),
    )


def email_events(messages: Any) -> list[TimelineEvent]:
    """One event per staff email kept on the case, at the time it was sent, and one when
    counsel linked a journal item to the case or opened the case for it."""
    events = []
    for message in messages:
        sender = message.sender_name or message.sender_address
        sentence = (
            f"{sender} emailed {_recipients(message)}: “{message.subject or '(no subject)'}” "
            "(from the mail journal)"
        )
        details = (
            f"From: {message.sender_address}",
            f"Attachments: {message.attachment_count}",
        )
        when = message.sent_at or message.created_at
        events.append(TimelineEvent(when, sender, TimelineKind.EMAIL, sentence, (), details))
        if message.review_status in (ReviewStatus.LINKED, ReviewStatus.CASE_OPENED):
            who = str(message.reviewed_by) if message.reviewed_by else "System"
            verb = (
                "linked this staff email, found in the mail journal, to the case"
                if message.review_status == ReviewStatus.LINKED
                else "opened this case after the fact for a staff email found in the mail journal"
            )
            events.append(
                TimelineEvent(message.reviewed_at, who, TimelineKind.EMAIL, f"{who} {verb}")
            )
    return events


def thread_cases(message_ids: list[str]) -> dict[str, int]:
    """{message_id: case_id} of the staff email kept on a case."""
    return dict(
        OutboundMessage.objects.filter(message_id__in=message_ids, case__isnull=False)
        .values_list("message_id", "case_id")
        .order_by("id")
    )


def case_emails_sent(case: Any) -> list[OutboundMessage]:
    """The staff email kept on `case`, oldest first (for the case page's email thread)."""
    return list(OutboundMessage.objects.filter(case_id=case.pk).order_by("sent_at", "id"))
