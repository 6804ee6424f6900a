"""Who the synthetic cases involve: offices, staff in every role, agencies, requesters.

A few hundred rows, written through the ORM (with their history). Idempotent: a
second run reuses what the first created, found by code, username and slug, so
repeated runs add cases to the same directory.
"""

import zlib
from dataclasses import dataclass

from django.contrib.auth.models import Group
from simple_history.utils import bulk_create_with_history

from accounts.models import Office, User
from accounts.roles import Role
from dmvrequests.agencies.models import Agency, Requester
from dmvrequests.cases.synthetic.catalogue import (
    AGENCY_PLAN,
    COUNTIES,
    FIRST_NAMES,
    LAST_NAMES,
    LAW_ENFORCEMENT,
    NEIGHBOUR_STATES,
    OFFICE_NAMES,
)

CLERKS_PER_OFFICE, COUNSEL_PER_OFFICE = 6, 4
CASES_PER_OFFICE = 80_000


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    office_code: str


@dataclass
class Directory:
    offices: list  # [(office id, code)]
    clerks: dict  # office id -> [Person]
    counsel: dict  # office id -> [Person]
    agencies: dict  # agency kind -> [(agency id, name)]
    requesters: dict  # agency id -> [(requester id, name)]


def office_count(cases):
    """About 80,000 cases per office, between 2 and 12 offices."""
    return max(2, min(len(OFFICE_NAMES), -(-cases // CASES_PER_OFFICE)))


def directory_ensure(rng, cases):
    offices = [_office(name) for name in OFFICE_NAMES[: office_count(cases)]]
    clerks = {o.pk: _team(o, "clerk", Role.CLERK, CLERKS_PER_OFFICE) for o in offices}
    counsel = {o.pk: _team(o, "counsel", Role.COUNSEL, COUNSEL_PER_OFFICE) for o in offices}
    for n in (1, 2):
        _staff(f"admin-synthetic-{n}", Role.ADMINISTRATOR, offices[0], is_staff=True)
        _staff(f"auditor-synthetic-{n}", Role.AUDITOR, None)
    agencies = _agencies(cases)
    return Directory(
        offices=[(o.pk, o.code) for o in offices],
        clerks=clerks,
        counsel=counsel,
        agencies=agencies,
        requesters=_requesters(rng, agencies),
    )


def _office(name):
    code = name.lower().replace(" ", "-")
    office, _ = Office.objects.get_or_create(
        code=code, defaults={"name": f"{name} legal unit", "email": f"{code}@dmv.example.gov"}
    )
    return office


def _team(office, prefix, role, size):
    return [_staff(f"{prefix}-{office.code}-{n}", role, office) for n in range(1, size + 1)]


def _staff(username, role, office, is_staff=False):
    user = User.objects.filter(username=username).first()
    if user is None:
        first, last = username.split("-", 1)
        user = User(
            username=username,
            first_name=first.title(),
            last_name=last.replace("-", " ").title(),
            email=f"{username}@dmv.example.gov",
            office=office,
            is_staff=is_staff,
        )
        # Nobody signs in with a synthetic account until someone sets its password.
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return Person(user.pk, username, office.code if office else "")


def _agencies(cases):
    """The federal directory, and made-up agencies of every other kind."""
    scale = max(1, min(4, cases // 250_000 + 1))
    by_kind: dict[str, list[tuple[int, str]]] = {}
    for agency in Agency.objects.filter(jurisdiction="Federal"):
        by_kind.setdefault(agency.kind, []).append((agency.pk, agency.name))
    for kind, pattern, count in AGENCY_PLAN:
        for n in range(count * scale):
            agency = _agency(_agency_name(pattern, n), kind, n)
            by_kind.setdefault(kind, []).append((agency.pk, agency.name))
    return by_kind


def _agency_name(pattern, n):
    def nth(names, start=1):
        suffix = f" {n // len(names) + start}" if n >= len(names) else ""
        return names[n % len(names)] + suffix

    return pattern.format(
        county=nth(COUNTIES),
        letter=nth("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        state=nth(NEIGHBOUR_STATES),
        last=nth(LAST_NAMES),
    )


def _agency(name, kind, n):
    slug = "synthetic-" + "".join(c if c.isalnum() else "-" for c in name.lower())[:60]
    ori = f"NY{zlib.crc32(slug.encode()) % 10**7:07d}" if kind in LAW_ENFORCEMENT else ""
    agency, _ = Agency.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": kind,
            "ori": ori,
            "jurisdiction": name.split(" County")[0] if " County" in name else "NY",
            "email_domains": slug.removeprefix("synthetic-") + ".example.gov",
            "published_phone": f"518-555-01{n % 100:02d}",  # 555-01xx is reserved for fiction
        },
    )
    return agency


def _requesters(rng, agencies):
    wanted = [agency_id for pairs in agencies.values() for agency_id, _ in pairs]
    found: dict[int, list[tuple[int, str]]] = {}
    for requester in Requester.objects.filter(agency_id__in=wanted).order_by("pk"):
        found.setdefault(requester.agency_id, []).append((requester.pk, requester.name))
    new = [r for agency_id in wanted if agency_id not in found for r in _officers(rng, agency_id)]
    for requester in bulk_create_with_history(new, Requester):
        found.setdefault(requester.agency_id, []).append((requester.pk, requester.name))
    return found


def _officers(rng, agency_id):
    for n in range(rng.randint(3, 8)):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        yield Requester(
            agency_id=agency_id,
            name=name,
            title=rng.choice(["Detective", "Investigator", "Special Agent", "Officer"]),
            badge=str(1000 + n),
            email=f"{name.lower().replace(' ', '.')}@agency{agency_id}.example.gov",
        )
