"""Remove switch journal messages older than RETENTION_SWITCH_LOG_DAYS (default 1,095 days).

    python manage.py apply_switch_log_retention

On PostgreSQL whole monthly partitions are dropped; docs/network-queries.md, "Retention".
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from dmvrequests.switchjournal.services import journal_apply_retention


class Command(BaseCommand):
    help = "Remove switch journal messages older than RETENTION_SWITCH_LOG_DAYS."

    def handle(self, *args, **options):
        cutoff = journal_apply_retention()
        self.stdout.write(
            f"Switch journal kept from {timezone.localtime(cutoff):%Y-%m-%d %H:%M} on."
        )
