"""Synthetic cases at scale for benchmarks and load tests: never in production.

    python manage.py seed_synthetic --cases 1000000 [--seed 1] [--years 5]

Adds N cases received over the last Y years, with everything that belongs to
them (dmvrequests/cases/synthetic.py says what and how). Exit 0 when the cases
were added, 1 when the command refuses (production, no active policy profile,
a database error), 2 for arguments it cannot use.
"""

import argparse
import time

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

MAX_CASES = 20_000_000
MAX_YEARS = 30


def bounded_int(name, low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, not {text!r}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be between {low:,} and {high:,}")
        return value

    return parse


class Command(BaseCommand):
    help = (
        "Add N synthetic cases (with documents, decisions, releases, notices, history and "
        "access log) for benchmarks; refuses when DJANGO_ENV=production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            required=True,
            type=bounded_int("--cases", 1, MAX_CASES),
            help="How many cases to add.",
        )
        parser.add_argument(
            "--seed",
            default=1,
            type=bounded_int("--seed", 0, 2**32 - 1),
            help="Random seed: the same seed on an empty database gives the same data.",
        )
        parser.add_argument(
            "--years",
            default=5,
            type=bounded_int("--years", 1, MAX_YEARS),
            help="The cases' received dates spread over this many years up to today.",
        )

    def handle(self, *args, cases, seed, years, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_synthetic refuses to run when DJANGO_ENV=production.")
        from dmvrequests.cases.models import DisclosureRequest
        from dmvrequests.cases.signals import cases_loaded
        from dmvrequests.cases.synthetic import SyntheticCases

        started = time.monotonic()
        generator = SyntheticCases(
            count=cases,
            seed=seed,
            years=years,
            progress=self.progress(cases, started),
            # The reports app rebuilds its rollups (cases know no report).
            then=lambda: cases_loaded.send(sender=DisclosureRequest),
        )
        try:
            totals = generator.run()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            raise CommandError(f"The database refused the synthetic rows: {exc}") from None
        self.report(totals, time.monotonic() - started)

    def progress(self, total, started):
        step = max(total // 20, 50_000)

        def report(totals):
            if totals.cases % step < 5000 or totals.cases == total:
                rate = totals.cases / max(time.monotonic() - started, 1e-6)
                self.stdout.write(f"  {totals.cases:,} of {total:,} cases ({rate:,.0f} per second)")

        return report

    def report(self, totals, elapsed):
        self.stdout.write(
            self.style.SUCCESS(f"Added {totals.cases:,} synthetic cases in {elapsed:,.1f} s.")
        )
        statuses = ", ".join(f"{s} {n:,}" for s, n in sorted(totals.statuses.items()))
        self.stdout.write(f"Statuses: {statuses}")
        for year, (first, last) in sorted(totals.numbers.items()):
            self.stdout.write(f"Numbers {year}: {first} to {last}")
        for label, count in totals.rows.items():
            self.stdout.write(f"  {label}: {count:,} rows")
