"""The IMAP poller: unseen messages of settings.IMAP_URL's mailbox go through intake.

A message is flagged \\Seen only after message_ingest returned, that is after
its case (or quarantine record) is committed; one whose ingestion raised stays
unseen and is fetched again by the next poll. Dedupe by Message-ID and SHA-256
makes any re-delivery safe, so a crash between the commit and the flag costs
a recorded duplicate, never a second case.

The mailbox must be the system's own: a person reading it in a mail client
would mark messages seen before the poller gets to them.
"""

import logging
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.cache import cache
from imapclient import SEEN, IMAPClient

from dmvrequests.intake.services import message_ingest

logger = logging.getLogger(__name__)

# Well below the broker's visibility timeout (3600 s in settings), so a running
# poll is never handed to a second worker; well above a normal poll's length.
POLL_SOFT_TIME_LIMIT = 240
POLL_TIME_LIMIT = 300
# Messages per poll; a backlog drains over successive polls within the limits.
POLL_BATCH = 200
POLL_LOCK = "intake:poll_imap"
SOCKET_TIMEOUT = 60


@dataclass(frozen=True)
class MailboxAddress:
    host: str
    port: int
    ssl: bool
    username: str
    password: str
    mailbox: str


def mailbox_address(url):
    """imap://user:pass@host:port/MAILBOX or imaps://…; the mailbox defaults to INBOX."""
    parsed = urlparse(url)
    ssl = parsed.scheme == "imaps"
    return MailboxAddress(
        host=parsed.hostname or "localhost",
        port=parsed.port or (993 if ssl else 143),
        ssl=ssl,
        username=unquote(parsed.username or ""),
        password=unquote(parsed.password or ""),
        mailbox=unquote(parsed.path.lstrip("/")) or "INBOX",
    )


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
        return _poll(mailbox_address(settings.IMAP_URL))
    finally:
        cache.delete(POLL_LOCK)


def _poll(address):
    counts = {"ingested": 0, "failed": 0}
    with IMAPClient(
        address.host, port=address.port, ssl=address.ssl, timeout=SOCKET_TIMEOUT
    ) as client:
        client.login(address.username, address.password)
        client.select_folder(address.mailbox)
        for uid in client.search(["UNSEEN"])[:POLL_BATCH]:
            done = _ingest_uid(client, uid, address.mailbox)
            counts["ingested" if done else "failed"] += 1
    if counts["failed"]:
        logger.warning("IMAP poll of %s: %s", address.mailbox, counts)
    return counts


def _ingest_uid(client, uid, mailbox):
    # BODY.PEEK leaves \Seen alone: the flag is ours to set, after the commit.
    raw = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
    if raw is None:
        return False  # expunged by someone else since the search
    try:
        message_ingest(raw=raw, source=f"imap:{mailbox}")
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("IMAP message %s in %s not ingested; it stays unseen.", uid, mailbox)
        return False
    client.add_flags([uid], [SEEN])
    return True
