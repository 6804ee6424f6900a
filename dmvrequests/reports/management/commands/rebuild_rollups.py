"""Compute the reports' daily rollups again from the cases, from scratch.

    python manage.py rebuild_rollups

Services keep the rollups current in each change's own transaction; run this after a
load that bypassed them (seed_synthetic does it itself), after a change of TIME_ZONE
(it moves the day a case counts on), or to check them: `--check` rebuilds inside a
transaction it rolls back and reports whether the kept rollups were right.
Exit status 0 when done (or, with --check, when they agree), 1 otherwise.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from dmvrequests.reports import rollups


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Compute the reports' daily rollups again from the cases."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare the kept rollups with a fresh computation; change nothing.",
        )

    def handle(self, *args, check=False, **options):
        started = time.monotonic()
        try:
            if check:
                return self._check()
            cases, rows = rollups.rebuild()
        except DatabaseError as error:
            raise CommandError(f"The database refused the rebuild: {error}") from None
        self.stdout.write(
            f"Rollups rebuilt: {cases} cases in {rows} daily rows "
            f"({time.monotonic() - started:.1f} s)."
        )
        return None

    def _check(self):
        kept = rollups.snapshot()
        try:
            with transaction.atomic():
                rollups.rebuild()
                fresh = rollups.snapshot()
                raise _Rollback
        except _Rollback:
            pass
        if kept != fresh:
            raise CommandError(
                "The kept rollups differ from a fresh computation: run `manage.py rebuild_rollups`."
            )
        self.stdout.write("The kept rollups agree with a fresh computation.")
