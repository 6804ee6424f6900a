from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dmvrequests.audit.wording import in_sentence
from dmvrequests.oversight.erasure import retention_apply, retention_plan, retention_years


def _plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Remove subject identifiers (name, date of birth, license number, plate, VIN, "
        "narrative) from closed and withdrawn cases that ended more than N years ago, in "
        "the cases and their history. Statistics fields stay. Use --dry-run first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would change, and change nothing.",
        )
        parser.add_argument(
            "--years",
            type=int,
            help="Years after closure; defaults to the RETENTION_SUBJECT_YEARS setting.",
        )

    def handle(self, *args, **options):
        years = options["years"]
        if years is not None and years < 1:
            raise CommandError("--years must be 1 or more.")
        years = years or retention_years()
        if not years:
            self.stdout.write(
                "Retention is off: RETENTION_SUBJECT_YEARS is not set and no --years was "
                "given. Nothing was changed."
            )
            return
        if options["dry_run"]:
            self._dry_run(years)
        else:
            self._apply(years)

    def _line(self, item, verb):
        ended = timezone.localtime(item.ended_at).date().isoformat()
        parts = [in_sentence(label) for label in item.field_labels]
        parts += [f"the {name} kept on the case" for name in item.held_by]
        fields = ", ".join(parts)
        return (
            f"{item.number} (ended {ended}): {verb} {fields}; {item.history_rows} history entries"
        )

    def _dry_run(self, years):
        count = 0
        for item in retention_plan(years=years):
            count += 1
            self.stdout.write(self._line(item, "would clear"))
        self.stdout.write(
            f"Cases that ended more than {_plural(years, 'year')} ago and still hold subject "
            f"identifiers: {count}. Dry run: nothing was changed."
        )

    def _apply(self, years):
        applied = retention_apply(years=years, source="command")
        for item in applied:
            self.stdout.write(self._line(item, "cleared"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Cleared subject identifiers of {_plural(len(applied), 'case')} that ended "
                f"more than {_plural(years, 'year')} ago."
            )
        )
