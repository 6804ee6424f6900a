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


# Each demo office's own city, ZIP code and area code (fictional street addresses); an
# office not listed gets its name's first word as the city.
CITIES = {
    "albany": ("Albany, NY 12228", "518"),
    "buffalo": ("Buffalo, NY 14202", "716"),
    "syracuse": ("Syracuse, NY 13202", "315"),
    "rochester": ("Rochester, NY 14614", "585"),
    "nyc": ("New York, NY 10007", "212"),
}


def city_of(office):
    """(city line, area code) of the demo `office`'s letterhead."""
    found = CITIES.get(office.code)
    if found is None:
        found = CITIES.get(office.name.split()[0].lower()) if office.name else None
    return found or (f"{office.name.split(' legal unit')[0]}, NY", "518")


class Command(BaseCommand):
    help = "Give each office without a letterhead a demo one (fictional contact details)."

    def handle(self, *args, **options):
        made = 0
        for number, office in enumerate(Office.objects.order_by("pk"), start=1):
            if OfficeLetterhead.objects.filter(office=office).exists():
                continue
            city, area_code = city_of(office)
            OfficeLetterhead.objects.create(
                office=office,
                address=f"{100 + number} Demo Street\nSuite {number}00\n{city}",
                phone=f"({area_code}) 555-01{number:02d}",
                email=office.email or f"legal-{office.code}@dmv.example.gov",
                signatory=f"Legal Unit, {office.name}",
                legal_aid=LEGAL_AID,
            )
            made += 1
        self.stdout.write(f"{made} demo letterhead(s) written.")
