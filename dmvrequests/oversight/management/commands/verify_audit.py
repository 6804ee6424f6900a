import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from dmvrequests.oversight.verification import CHUNK_SIZE, chain_verify


class Command(BaseCommand):
    help = (
        "Walk the audit chain in order, recompute each record's hash and check the links. "
        "Exits 0 when the chain is intact, 1 naming the first broken record, 2 if the "
        "audit log cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help="Records fetched per round trip (memory stays constant).",
        )

    def handle(self, *args, **options):
        try:
            report = chain_verify(chunk_size=max(1, options["chunk_size"]))
        except DatabaseError as exc:
            self.stderr.write(f"Could not read the audit log: {exc}".strip())
            sys.exit(2)
        if not report.intact:
            self.stderr.write(report.message)
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(report.message))
