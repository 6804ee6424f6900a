"""The switch journal's figures for a period.

    python manage.py switch_log_stats --json --from YYYY-MM-DD --to YYYY-MM-DD

Counts over messages whose timestamp falls on those dates (inclusive) in the state's time zone
(TIME_ZONE); the fields are listed in docs/network-queries.md ("Figures"). A missing or
malformed date: exit 2 with one line on standard error.
"""

import json
from datetime import date

from django.core.management.base import BaseCommand

from dmvrequests.switchjournal.selectors import journal_stats

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Print the switch journal's figures for a period (JSON with --json)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")
        parser.add_argument("--from", dest="date_from", default="", help="First day, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", default="", help="Last day, YYYY-MM-DD.")

    def handle(self, *args, date_from, date_to, **options):
        try:
            start, end = _date(date_from, "--from"), _date(date_to, "--to")
            if end < start:
                raise ValueError(f"--to ({end}) is before --from ({start}); swap them.")
        except ValueError as error:
            self.stderr.write(f"switch_log_stats: {error}")
            raise SystemExit(EXIT_BAD_INPUT) from None
        stats = journal_stats(start, end)
        if options["json"]:
            self.stdout.write(json.dumps(stats))
            return
        for name, value in stats.items():
            self.stdout.write(f"{name}: {json.dumps(value)}")


def _date(value, option):
    if not value:
        raise ValueError(f"give {option} YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option} must be a date as YYYY-MM-DD, not {value[:40]!r}.") from None
