"""The journal poller: unseen messages of settings.OUTBOUND_IMAP_URL through `journal_scan`.

The same IMAP code as email intake (`dmvrequests.mail.imap`): fetched with BODY.PEEK[],
flagged \\Seen only after the scan's result is committed; a message whose scan raised
stays unseen for the next poll, and dedupe makes a second scan a recorded duplicate.
"""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from dmvrequests.mail.imap import mailbox_address, poll_mailbox
from dmvrequests.outbound.services import journal_scan, retention_apply

POLL_SOFT_TIME_LIMIT = 240
POLL_TIME_LIMIT = 300
POLL_LOCK = "outbound:poll_journal"


@shared_task(soft_time_limit=POLL_SOFT_TIME_LIMIT, time_limit=POLL_TIME_LIMIT)
def poll_journal():
    """Scan the unseen messages of the journal mailbox; returns counts for the log."""
    if not settings.OUTBOUND_IMAP_URL:
        return {"scanned": 0, "failed": 0, "skipped": "OUTBOUND_IMAP_URL is not set"}
    if not cache.add(POLL_LOCK, "polling", timeout=POLL_TIME_LIMIT):
        return {"scanned": 0, "failed": 0, "skipped": "another poll is running"}
    try:
        counts = poll_mailbox(mailbox_address(settings.OUTBOUND_IMAP_URL), _scan)
    finally:
        cache.delete(POLL_LOCK)
    return {"scanned": counts["handled"], "failed": counts["failed"]}


def _scan(raw, source):
    # journal_scan is looked up at call time, so a test can replace it.
    journal_scan(raw=raw, source=source)


@shared_task
def apply_retention():
    """Delete reviewed items past OUTBOUND_RETENTION_YEARS (daily); the count for the log."""
    return {"deleted": retention_apply()}
