"""Demo letterheads: `make run` gives each office without one a fictional address,
telephone, signatory and legal-aid list, so the demo's letters look like real ones.
Idempotent; an office's own letterhead is never touched."""

from django.core.management.base import BaseCommand

from accounts.models import Office
from dmvrequests.correspondence.models import OfficeLetterhead

LEGAL_AID = "\n".join(
    [
        "Legal Aid Society of Northeastern New York: (833) 555-0142",
        "New York Immigration Coalition hotline: (800) 555-0166",
        "Volunteer Lawyers Project of Onondaga County: (315) 555-0175",
    ]
)


class Command(BaseCommand):
    help = "Give each office without a letterhead a demo one (fictional contact details)."

    def handle(self, *args, **options):
        made = 0
        for number, office in enumerate(Office.objects.order_by("pk"), start=1):
            if OfficeLetterhead.objects.filter(office=office).exists():
                continue
            OfficeLetterhead.objects.create(
                office=office,
                address=f"{100 + number} Demo Street\nSuite {number}00\nAlbany, NY 12228",
                phone=f"(518) 555-01{number:02d}",
                email=office.email or f"legal-{office.code}@dmv.example.gov",
                signatory=f"Legal Unit, {office.name}",
                legal_aid=LEGAL_AID,
            )
            made += 1
        self.stdout.write(f"{made} demo letterhead(s) written.")
