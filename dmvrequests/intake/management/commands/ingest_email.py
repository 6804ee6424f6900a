"""python manage.py ingest_email [--json] [PATH ...]  (the contract: docs/intake.md)

PATH is an .eml file, an mbox file or a Maildir folder; none, or "-", reads one
message from standard input, so Postfix can pipe into it. One line per message.
Exit 0 when every message was handled; 1 when a PATH could not be read (the
others are still processed); never a traceback.

One case the contract adds: when a message could not be stored at all
(the database or the storage is down), the exit status is 75, EX_TEMPFAIL, which
tells Postfix to keep the message in its queue and try again later instead of
bouncing it. Dedupe makes that retry safe.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from dmvrequests.intake.models import Result
from dmvrequests.intake.services import message_ingest
from dmvrequests.mail.sources import messages_in, unreadable_why

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = (
        "Ingest email into cases: .eml files, mbox files, Maildir folders, "
        "or one message on standard input (no PATH, or -)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="An .eml file, an mbox file or a Maildir folder; - for standard input.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print one JSON object per message.",
        )

    def handle(self, *args, paths, as_json, **options):
        self.as_json = as_json
        self.unreadable = 0
        self.unstored = 0
        for path in paths or ["-"]:
            self.ingest_path(path)
        if self.unreadable:
            raise CommandError(
                f"{_plural(self.unreadable, 'path')} could not be read; "
                "every other message was processed.",
                returncode=1,
            )
        if self.unstored:
            raise CommandError(
                f"{_plural(self.unstored, 'message')} could not be stored; "
                "deliver again later (nothing else was lost).",
                returncode=EX_TEMPFAIL,
            )

    def ingest_path(self, path):
        try:
            for source, raw in messages_in(path):
                self.ingest_one(raw, source, path)
        except Exception as exc:
            # Only reading can fail here: ingest_one answers for its own errors.
            self.unreadable += 1
            self.stderr.write(f"Cannot read {path}: {unreadable_why(exc)}")

    def ingest_one(self, raw, source, path):
        try:
            result = message_ingest(raw=raw, source=source)
        except Exception as exc:
            # Parsing never raises, so this is the database or the storage: report it
            # and carry on; the message was not stored and a retry is safe.
            self.unstored += 1
            self.stderr.write(f"Could not store a message from {path}: {type(exc).__name__}: {exc}")
            return
        if self.as_json:
            self.stdout.write(json.dumps(result.as_json()))
        else:
            self.stdout.write(readable_line(result))


def readable_line(result):
    """`created DR-2026-000012 (ICE ERO, sender verified, 1 document)` and its siblings."""
    if result.result == Result.QUARANTINED:
        return f"quarantined ({result.reason})"
    if result.result == Result.DUPLICATE:
        received = result.message_id or "the same bytes"
        if result.case:
            return f"duplicate {result.case} (already received: {received})"
        return f"duplicate (already received: {received}; the first copy is in quarantine)"
    details = [
        result.agency_label or "no directory agency",
        "sender verified" if result.sender_verified else "sender not verified",
        _plural(result.documents, "document"),
    ]
    if result.reason and result.reason.startswith("Automatic message"):
        details.append("automatic message, case flagged")
    if result.rejected_attachments:
        details.append(_plural(len(result.rejected_attachments), "attachment") + " refused")
    return f"{result.result} {result.case} ({', '.join(details)})"


def _plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
