"""python manage.py seed_outbound_demo: a few journal messages of each result, scanned as the
journal poll would, so `make run` shows counsel's staff email queue. Refused in production;
a second run only records duplicates."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dmvrequests.agencies.models import Agency
from dmvrequests.cases.selectors import case_by_number
from dmvrequests.outbound.demo import demo_messages
from dmvrequests.outbound.models import JournalEntry
from dmvrequests.outbound.services import journal_scan


class Command(BaseCommand):
    help = "Load demo journal messages (staff email to agencies) for the review queue."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_outbound_demo refuses to run when DJANGO_ENV=production.")
        if JournalEntry.objects.exists():
            self.stdout.write("Demo journal messages are already loaded; nothing to do.")
            return
        Agency.objects.get_or_create(
            slug="demo-police",
            defaults={
                "name": "Demo City Police Department",
                "kind": "local_law_enforcement",
                "email_domains": "police.example.gov",
            },
        )
        case = case_by_number(f"DR-{timezone.localdate().year}-000001")
        results = [
            journal_scan(raw=raw, source="demo").result
            for raw in demo_messages(case.number if case else None)
        ]
        counts = {r: results.count(r) for r in dict.fromkeys(results)}
        self.stdout.write(f"Demo journal scanned: {counts}.")
