"""Statistics for scripts: the dashboard's figures as CSV, XLSX or JSON.

    python manage.py export_stats --from 2026-01-01 --to 2026-03-31 --format csv
    python manage.py export_stats --from 2026-01-01 --to 2026-03-31 --format xlsx --output q1.xlsx

CSV and JSON go to standard output unless --output names a file. XLSX is
binary: it needs --output, or standard output redirected to a file or a pipe
(never a terminal). Errors are one line on standard error, exit status 1.
Columns: docs/exports.md ("Statistics").
"""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Office
from dmvrequests.reports import exports, formats
from dmvrequests.reports.filters import PeriodError, ReportFilters, check_period
from dmvrequests.vocabulary import AgencyKind


def _date(value, option):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Write the dashboard's statistics for a period as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        # Checked in handle(), not by argparse, so each mistake is one clear line.
        parser.add_argument("--from", dest="date_from", help="First day received, YYYY-MM-DD.")
        parser.add_argument("--to", dest="date_to", help="Last day received, YYYY-MM-DD.")
        parser.add_argument("--format", dest="fmt", default=formats.CSV, help="csv, xlsx or json.")
        parser.add_argument("--output", help="Write to this file instead of standard output.")
        parser.add_argument("--office", default="", help="Only this office (its code).")
        parser.add_argument("--agency-kind", default="", help="Only this agency kind.")

    def handle(self, *args, date_from, date_to, fmt, output, office, agency_kind, **options):
        filters = self._filters(date_from, date_to, office, agency_kind)
        fmt = self._format(fmt, output)
        if output:
            self._write_file(output, fmt, filters)
        elif fmt == formats.XLSX:
            exports.write_export(sys.stdout.buffer, fmt, exports.STATISTICS, filters)
            sys.stdout.buffer.flush()
        else:
            for chunk in exports.text_chunks(fmt, exports.STATISTICS, filters):
                self.stdout.write(chunk, ending="")

    def _filters(self, date_from, date_to, office_code, agency_kind):
        if not date_from or not date_to:
            raise CommandError("Give the period with --from YYYY-MM-DD --to YYYY-MM-DD.")
        start, end = _date(date_from, "--from"), _date(date_to, "--to")
        if end < start:
            raise CommandError(f"--to ({end}) is before --from ({start}); swap them.")
        try:
            check_period(start, end)
        except PeriodError as error:
            raise CommandError(str(error)) from None
        if agency_kind and agency_kind not in AgencyKind.values:
            raise CommandError(
                f"Unknown agency kind {agency_kind!r}; use one of: {', '.join(AgencyKind.values)}."
            )
        office = None
        if office_code:
            office = Office.objects.filter(code=office_code).first()
            if office is None:
                raise CommandError(f"No office has the code {office_code!r}.")
        return ReportFilters(date_from=start, date_to=end, office=office, agency_kind=agency_kind)

    def _format(self, fmt, output):
        fmt = (fmt or "").lower()
        if fmt not in formats.FORMATS:
            raise CommandError(f"Unknown format {fmt!r}; use csv, xlsx or json.")
        if fmt == formats.XLSX and not output and sys.stdout.isatty():
            raise CommandError(
                "XLSX is a binary file: give --output PATH, or redirect standard output."
            )
        return fmt

    def _write_file(self, output, fmt, filters):
        try:
            with open(output, "wb") as target:
                exports.write_export(target, fmt, exports.STATISTICS, filters)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}.") from None
        self.stderr.write(f"Wrote {output}.")
