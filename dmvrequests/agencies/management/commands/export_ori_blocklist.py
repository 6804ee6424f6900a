"""Export the ORI block list for the state switch.

    python manage.py export_ori_blocklist [--format csv|text] [--output FILE] [--handed-over]

CSV (`ori,reason,effective`) or plain text (`ORI<TAB>effective<TAB>reason`), to standard output
or FILE. With --handed-over, records this version as handed to the switch (by the command line,
now), so its blocks are no longer shown as "not yet at the switch". docs/network-queries.md.
"""

from django.core.management.base import BaseCommand, CommandError

from dmvrequests.agencies.blocklist import (
    blocklist_csv,
    blocklist_hand_over,
    blocklist_rows,
    blocklist_text,
)


class Command(BaseCommand):
    help = "Write the ORI block list (CSV or plain text) for the switch administrator."

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", default="csv", help="csv or text.")
        parser.add_argument("--output", default="", help="Write to this file.")
        parser.add_argument(
            "--handed-over", action="store_true", help="Record this version as handed over."
        )

    def handle(self, *args, fmt, output, handed_over, **options):
        if fmt not in ("csv", "text"):
            raise CommandError(f"Unknown format {fmt[:20]!r}; use csv or text.")
        rows = blocklist_rows()
        content = blocklist_csv(rows) if fmt == "csv" else blocklist_text(rows)
        if output:
            try:
                with open(output, "w", encoding="utf-8", newline="") as file:
                    file.write(content)
            except OSError as error:
                raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        else:
            self.stdout.write(content, ending="")
        if handed_over:
            blocklist_hand_over(actor=None)
            if output:
                self.stdout.write(f"Recorded as handed to the switch: {len(rows)} blocks.")
