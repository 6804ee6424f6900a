"""python manage.py scan_outbound_email [--json] FILE...  (the contract: docs/outbound.md)

FILE is an .eml file, an mbox file or a Maildir folder; "-" (or none) reads one message
from standard input. One line per message. Exit 0 when every input was read, 2 when an
input could not be read (the others are still scanned), with a one-line message on
standard error; 75 when a message could not be stored (the database or storage is down:
nothing of it was committed, and scanning again is safe). Never a traceback.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from dmvrequests.mail.sources import messages_in, unreadable_why
from dmvrequests.outbound.services import ScanOutcome, journal_scan

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = (
        "Scan the journal of staff email for DMV record data sent to outside agencies: "
        ".eml files, mbox files, Maildir folders, or one message on standard input (-)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", metavar="FILE", help="An .eml, mbox or Maildir; - for stdin."
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="One JSON object per message."
        )

    def handle(self, *args, paths, as_json, **options):
        self.as_json = as_json
        unreadable = []
        self.unstored = 0
        for path in paths or ["-"]:
            try:
                for source, raw in messages_in(path):
                    self.scan_one(raw, source, path)
            except Exception as exc:
                unreadable.append(f"{path}: {unreadable_why(exc)}")
        if unreadable:
            raise CommandError(
                "Cannot read " + "; ".join(unreadable) + " (every other input was scanned).",
                returncode=2,
            )
        if self.unstored:
            raise CommandError(
                f"{self.unstored} message(s) could not be stored; scan them again later.",
                returncode=EX_TEMPFAIL,
            )

    def scan_one(self, raw, source, path):
        try:
            outcome = journal_scan(raw=raw, source=source)
        except Exception as exc:
            self.unstored += 1
            self.stderr.write(f"Could not store a message from {path}: {type(exc).__name__}")
            return
        if self.as_json:
            self.stdout.write(json.dumps(outcome.as_json()))
        else:
            self.stdout.write(readable_line(outcome))


def readable_line(outcome: ScanOutcome) -> str:
    """`flagged (immigration, 3 identifiers, 1 attachment)` and its siblings."""
    found = sum(outcome.identifiers.values())
    details = [
        outcome.agency_kind or "no directory agency",
        f"{found} identifier{'' if found == 1 else 's'}",
        f"{outcome.attachments} attachment{'' if outcome.attachments == 1 else 's'}",
    ]
    head = f"{outcome.result} {outcome.case}" if outcome.case else outcome.result
    return f"{head} {outcome.message_id or '(no Message-ID)'} ({', '.join(details)})"
