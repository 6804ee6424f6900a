"""The intake app's services: email ingestion and the quarantine a clerk works through.

Every message becomes a case, an append, a duplicate or a quarantined message
(the contract is in docs/intake.md). The work is split by reason to change:

- `ingestion`: `message_ingest`, the one entry point for the `ingest_email` command
  and the IMAP poller (duplicates, held messages, the summary a clerk reads);
- `filing`: writing cases from email (new case, reply, automatic message);
- `routing`: the agency, sender verification, case replied to, office and date;
- `screening`: attachments accepted by content and size, or refused with a reason;
- `records`: the raw bytes in private storage and the InboundMessage row;
- `quarantine`: a clerk's release into a case, or discard with a reason.

This module re-exports the public API so that callers import one place.
"""

from dmvrequests.intake.ingestion import NO_AGENCY, message_ingest, message_summary
from dmvrequests.intake.quarantine import quarantine_discard, quarantine_release
from dmvrequests.intake.records import IngestResult, agency_label, read_raw
from dmvrequests.intake.routing import agency_for_domain

__all__ = [
    "NO_AGENCY",
    "IngestResult",
    "agency_for_domain",
    "agency_label",
    "message_ingest",
    "message_summary",
    "quarantine_discard",
    "quarantine_release",
    "read_raw",
]
