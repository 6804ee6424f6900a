"""Import the state switch's Nlets journal.

    python manage.py import_switch_log [--json] FILE...     (FILE `-` is standard input)

Text journal or CSV, plain or gzip (docs/network-queries.md, "The journal"). With --json,
prints one JSON object per file on its own line: file, entries, imported, duplicates,
rejected_count, rejected (the first 100, {"line": N, "reason": "..."}). Exit status 0 when
every file was read (even with rejected lines); 2 when a file cannot be read at all (missing,
unreadable, not text), with one line on standard error and nothing imported from that file.
"""

import json

from django.core.management.base import BaseCommand

from dmvrequests.switchjournal.parsing import BadJournal
from dmvrequests.switchjournal.services import journal_import
from dmvrequests.switchjournal.sources import UnreadableJournal, open_journal

EXIT_UNREADABLE = 2


class Command(BaseCommand):
    help = "Import the state switch's query journal (text or CSV, gzip, - for standard input)."
    # Django's system checks (URLs, templates, models...) took half a second of every import's
    # start; a deployment runs them with `check --deploy`, and nothing here depends on them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON line per file.")
        parser.add_argument("files", nargs="+", metavar="FILE", help="Journal files; - is stdin.")

    def handle(self, *args, files, **options):
        failed = False
        for name in files:
            try:
                with open_journal(name) as lines:
                    summary = journal_import(lines, name=name)
            except (UnreadableJournal, BadJournal) as error:
                self.stderr.write(f"import_switch_log: {name}: {error}")
                failed = True
                continue
            if options["json"]:
                self.stdout.write(json.dumps(summary.as_dict()))
            else:
                self.stdout.write(
                    f"{name}: {summary.entries} entries, {summary.imported} imported, "
                    f"{summary.duplicates} duplicates, {summary.rejected_count} rejected."
                )
                for rejected in summary.rejected:
                    self.stdout.write(f"  line {rejected['line']}: {rejected['reason']}")
        if failed:
            raise SystemExit(EXIT_UNREADABLE)
