"""Build the switch journal's daily and monthly rollups again from the journal.

    python manage.py rebuild_switch_log_rollups

The import, attribution and retention keep the rollup as they go; this command is for after a
restore, a manual repair of the journal, or a change of TIME_ZONE (the rollup's days are local
days). It replaces both rollups in one transaction (docs/network-queries.md, "Scale").
"""

import time

from django.core.management.base import BaseCommand

from dmvrequests.switchjournal.rollups import rebuild


class Command(BaseCommand):
    help = "Build the switch journal's daily and monthly rollups again from the journal."

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = rebuild()
        seconds = time.monotonic() - started
        self.stdout.write(f"Switch journal rollup rebuilt: {rows} daily rows in {seconds:.1f} s.")
