"""The IMAP poller: unseen messages of settings.IMAP_URL's mailbox go through intake.

A message is flagged \\Seen only after message_ingest returned, that is after
its case (or quarantine record) is committed; one whose ingestion raised stays
unseen and is fetched again by the next poll. Dedupe by Message-ID and SHA-256
makes any re-delivery safe, so a crash between the commit and the flag costs
a recorded duplicate, never a second case.

The mailbox must be the system's own: a person reading it in a mail client
would mark messages seen before the poller gets to them.
"""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from dmvrequests.intake.services import message_ingest
from dmvrequests.mail.imap import MailboxAddress, mailbox_address, poll_mailbox

__all__ = ["MailboxAddress", "mailbox_address", "poll_imap"]

# Well below the broker's visibility timeout (3600 s in settings), so a running
# poll is never handed to a second worker; well above a normal poll's length.
POLL_SOFT_TIME_LIMIT = 240
POLL_TIME_LIMIT = 300
POLL_LOCK = "intake:poll_imap"


@shared_task(soft_time_limit=POLL_SOFT_TIME_LIMIT, time_limit=POLL_TIME_LIMIT)
def poll_imap():
    """Ingest the unseen messages of the intake mailbox; returns counts for the log."""
    if not settings.IMAP_URL:
        return {"ingested": 0, "failed": 0, "skipped": "IMAP_URL is not set"}
    # One poll at a time: overlapping polls would fetch the same unseen messages and
    # record every one twice. The lock expires with the hard time limit.
    if not cache.add(POLL_LOCK, "polling", timeout=POLL_TIME_LIMIT):
        return {"ingested": 0, "failed": 0, "skipped": "another poll is running"}
    try:
        counts = poll_mailbox(mailbox_address(settings.IMAP_URL), _ingest)
    finally:
        cache.delete(POLL_LOCK)
    return {"ingested": counts["handled"], "failed": counts["failed"]}


def _ingest(raw, source):
    # message_ingest is looked up at call time, so a test can replace it.
    message_ingest(raw=raw, source=source)
