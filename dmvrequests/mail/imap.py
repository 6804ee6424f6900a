"""One IMAP poll, shared by email intake and the outbound journal: fetch, handle, then flag.

A message is fetched with BODY.PEEK[] (which leaves it unseen) and flagged \\Seen
(RFC 9051 section 2.3.2) only after the handler returned, that is after what it
made of the message is committed. A message whose handler raised stays unseen
and is fetched again by the next poll; each handler's dedupe (Message-ID, else the
SHA-256 of the bytes) makes a re-delivery safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from celery.exceptions import SoftTimeLimitExceeded
from imapclient import SEEN, IMAPClient

logger = logging.getLogger(__name__)

# Messages per poll; a backlog drains over successive polls.
POLL_BATCH = 200
SOCKET_TIMEOUT = 60


@dataclass(frozen=True)
class MailboxAddress:
    host: str
    port: int
    ssl: bool
    username: str
    password: str
    mailbox: str


def mailbox_address(url: str) -> MailboxAddress:
    """imap://user:pass@host:port/MAILBOX or imaps://…; the mailbox defaults to INBOX.

    User and password are URL-escaped (RFC 3986); imaps is TLS on 993, imap plain on 143.
    """
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


def poll_mailbox(
    address: MailboxAddress, handle: Callable[[bytes, str], object], *, batch: int = POLL_BATCH
) -> dict[str, int]:
    """{"handled": n, "failed": n}: `handle(raw, source)` for each unseen message, then \\Seen.

    Connection errors propagate (the next poll tries again); a handler's error is
    logged and leaves that message unseen.
    """
    counts = {"handled": 0, "failed": 0}
    with IMAPClient(
        address.host, port=address.port, ssl=address.ssl, timeout=SOCKET_TIMEOUT
    ) as client:
        client.login(address.username, address.password)
        client.select_folder(address.mailbox)
        for uid in client.search(["UNSEEN"])[:batch]:
            done = _handle_uid(client, uid, address.mailbox, handle)
            counts["handled" if done else "failed"] += 1
    if counts["failed"]:
        logger.warning("IMAP poll of %s: %s", address.mailbox, counts)
    return counts


def _handle_uid(client, uid, mailbox, handle):
    # BODY.PEEK leaves \Seen alone: the flag is ours to set, after the commit.
    raw = client.fetch([uid], ["BODY.PEEK[]"]).get(uid, {}).get(b"BODY[]")
    if raw is None:
        return False  # expunged by someone else since the search
    try:
        handle(raw, f"imap:{mailbox}")
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        logger.exception("IMAP message %s in %s not handled; it stays unseen.", uid, mailbox)
        return False
    client.add_flags([uid], [SEEN])
    return True
