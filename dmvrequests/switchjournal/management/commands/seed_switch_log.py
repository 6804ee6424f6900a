"""Demo traffic in the switch journal.

    python manage.py seed_switch_log --entries N --seed S [--days D] [--output FILE]

Gives the directory's agencies demo ORI patterns (ICE DCICE*, HSI DCHSI*, FBI DCFBI*, CBP
DCCBP*, and those of seed_demo's police agencies), blocks the ORI DCICE0990 on its own, then imports about N messages over the
last D days (default 90) through the same import as import_switch_log; nothing when the
journal already holds messages (`make run` calls it after seed_demo each time). With --output, writes the
journal to FILE (text journal; gzip when FILE ends .gz) instead of importing it: the benchmark's
input.
"""

import gzip
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dmvrequests.agencies.models import Agency, OriBlock
from dmvrequests.agencies.signals import directory_changed
from dmvrequests.switchjournal.generate import DEMO_ORIS, LEAKING_ORI, traffic
from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.services import journal_import


class Command(BaseCommand):
    help = "Fill the switch journal with realistic demo traffic (or write it to a file)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=5000, help="Messages to make.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")
        parser.add_argument("--days", type=int, default=90, help="Days of traffic, to today.")
        parser.add_argument("--output", default="", help="Write the journal here instead.")

    def handle(self, *args, entries, seed, days, output, **options):
        if entries < 1 or days < 1:
            raise CommandError("--entries and --days must be at least 1.")
        if not output and JournalEntry.objects.exists():
            self.stdout.write("The switch journal already holds messages; nothing to do.")
            return
        end = timezone.now().replace(microsecond=0)
        start = end - timedelta(days=days)
        messages = (
            text.encode() for _, text in traffic(entries=entries, seed=seed, start=start, end=end)
        )
        if output:
            opener = gzip.open if output.endswith(".gz") else open
            with opener(output, "wb") as file:
                for message in messages:
                    file.write(message)
            self.stdout.write(f"Wrote about {entries} messages to {output}.")
            return
        self._directory(start)
        lines = (line for message in messages for line in message.splitlines(keepends=True))
        summary = journal_import(lines, name="seed_switch_log")
        self.stdout.write(
            f"Imported {summary.imported} messages ({summary.duplicates} already there)."
        )

    def _directory(self, start):
        changed = False
        for slug, pattern in DEMO_ORIS.items():
            agency = Agency.objects.filter(slug=slug).first()
            if agency is not None and pattern not in agency.ori_list:
                agency.oris = f"{agency.oris} {pattern}".strip()
                agency.save(update_fields=["oris"])
                changed = True
        if not OriBlock.objects.filter(ori=LEAKING_ORI).exists():
            OriBlock.objects.create(
                ori=LEAKING_ORI,
                reason="Demo: civil immigration enforcement ORI blocked under state law.",
                effective_at=start,
            )
            changed = True
        if changed:
            directory_changed.send(sender=Agency)
