"""The generator: cases oldest first, in batches, each batch written table by table."""

import random
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from dmvrequests.audit.models import Action, AuditRecord, Kind, Outcome
from dmvrequests.cases.models import (
    Decision,
    DisclosureRequest,
    DocumentVerification,
    InfoRequest,
    LegalDocument,
    Release,
    Status,
    SubjectNotice,
)
from dmvrequests.cases.searchkeys import search_keys
from dmvrequests.cases.services.requests import decision_due_date
from dmvrequests.cases.synthetic.catalogue import (
    ARCHETYPES,
    CHANNEL_WEIGHTS,
    PLATE_LETTERS,
    SUBJECT_FIRST_NAMES,
    SUBJECT_LAST_NAMES,
    VIN_LETTERS,
)
from dmvrequests.cases.synthetic.directory import directory_ensure
from dmvrequests.cases.synthetic.storage import Chain, Numbering, Table, writer_for_connection
from dmvrequests.cases.synthetic.story import CaseRows, Cast, path_to, story
from dmvrequests.policy.engine import EngineDecision
from dmvrequests.policy.services import evaluate_with_profile, profile_active
from dmvrequests.vocabulary import AgencyKind

BATCH_SIZE = 5000
# Cases that stopped at some step and stayed there: the old backlog every unit has.
STALLED_SHARE = 0.012
# Models whose rows carry history (simple-history), in the order their tables are written.
TRACKED = (
    DisclosureRequest,
    LegalDocument,
    DocumentVerification,
    Decision,
    InfoRequest,
    Release,
    SubjectNotice,
)


@dataclass
class Totals:
    cases: int = 0
    statuses: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)  # model label -> rows written
    numbers: dict = field(default_factory=dict)  # year -> (first number, last number)


class SyntheticCases:
    """`count` cases received over `years` years up to now, added in one transaction."""

    def __init__(self, *, count, seed, years, progress=None, then=None):
        self.count = count
        # Called inside the load's transaction once the rows are in (the reports'
        # rollups are rebuilt there: the COPY bypasses the services that keep them).
        self.then = then
        self.rng = random.Random(seed)  # noqa: S311 - repeatable data, not secrets
        self.now = timezone.now()
        self.start = self.now - timedelta(days=365 * years)
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.progress = progress or (lambda totals: None)
        self.totals = Totals()
        self.id_pools, self.evaluations = {}, {}
        # `Model.history` builds a manager on every access: look each one up once.
        self.historical = {model: model.history.model for model in TRACKED}
        self.archetype_weights = [a.weight for a in ARCHETYPES]
        self.channels, self.channel_weights = zip(*CHANNEL_WEIGHTS.items(), strict=True)
        # One case in each status among the older cases, so that a small run has them all.
        self.placed = {count * (k + 1) // (len(Status) + 2): s for k, s in enumerate(Status)}

    def run(self):
        self.profile = profile_active()
        self.writer = writer_for_connection()
        with transaction.atomic():
            self.prepare()
            for offset in range(0, self.count, BATCH_SIZE):
                self.batch(offset, min(BATCH_SIZE, self.count - offset))
                self.progress(self.totals)
            self.writer.finish()
            self.numbering.save()
            self.chain.save()
            if self.then is not None:
                self.then()
        self.writer.analyze([*self.new_tables()])
        return self.totals

    def prepare(self):
        self.directory = directory_ensure(self.rng, self.count)
        first_year = self.start.astimezone(self.zone).year
        self.numbering = Numbering(list(range(first_year, self.now.astimezone(self.zone).year + 1)))
        self.chain = Chain()
        self.writer.begin([table.model for table in self.new_tables().values()], self.count)

    def new_tables(self):
        """Empty tables for a batch, in an order that satisfies every foreign key."""
        tables: dict[type[Model], Table] = {model: Table(model) for model in TRACKED}
        tables.update({h: Table(h, with_pk=False) for h in self.historical.values()})
        tables[AuditRecord] = Table(AuditRecord)
        return tables

    def batch(self, offset, size):
        self.tables = self.new_tables()
        span = (self.now - self.start).total_seconds() - 3600
        for index in range(offset, offset + size):
            # Oldest first, so that numbers and the audit chain follow the calendar.
            received = self.start + timedelta(
                seconds=span * (index + self.rng.random()) / self.count
            )
            self.case(index, received)
        for table in self.tables.values():
            label = table.model._meta.label
            self.totals.rows[label] = self.totals.rows.get(label, 0) + len(table)
        self.writer.write_batch(list(self.tables.values()))

    def next_id(self, model):
        """Ids from the table's own sequence, reserved a batch at a time: rows that point
        to each other are written with their ids, and later inserts continue the sequence."""
        pool = self.id_pools.setdefault(model, [])
        if not pool:
            pool.extend(reversed(self.writer.reserve_ids(model, BATCH_SIZE)))
        return pool.pop()

    # One case.

    def case(self, index, received):
        rng = self.rng
        archetype, kind = self.pick(index, received)
        agency_id, agency_name = rng.choice(self.directory.agencies[kind])
        office_id, _ = rng.choice(self.directory.offices)
        clerk = rng.choice(self.directory.clerks[office_id])
        counsel, second = rng.sample(self.directory.counsel[office_id], 2)
        channel = rng.choices(self.channels, self.channel_weights)[0]
        delay = timedelta(minutes=1 if channel == "email" else rng.randint(2, 240))
        created = min(received + delay, self.now)
        evaluation = self.evaluation(archetype, kind, received.astimezone(self.zone).date())
        steps = self.steps_so_far(index, created, evaluation, archetype, kind)
        logger = None if channel == "email" else clerk  # email intake files cases as the system
        requester_id, requester_name = rng.choice(
            self.directory.requesters.get(agency_id) or [(None, agency_name)]
        )
        case = {
            "id": self.next_id(DisclosureRequest),
            "number": self.numbering.next(created.astimezone(self.zone).year),
            "status": Status.RECEIVED,
            "channel": channel,
            "received_at": received,
            "agency_id": agency_id,
            "requester_id": requester_id,
            "office_id": office_id,
            "created_by_id": logger.id if logger else None,
            "purpose": archetype.purpose,
            "categories": list(archetype.categories),
            "emergency": archetype.emergency,
            "bulk": archetype.bulk,
            "due_date": due_date(received.astimezone(self.zone).date(), archetype.emergency),
            "created_at": created,
            "updated_at": created,
            "requester_verified": channel in ("email", "portal") and rng.random() < 0.7,
            **self.subject(archetype),
        }
        cast = Cast(clerk, counsel, second, logger, requester_name or agency_name)
        documents = [d for d in archetype.documents if rng.random() >= 0.05]  # 5% never sent
        CaseRows(self, case, cast, evaluation).write(steps, documents)
        self.tables[DisclosureRequest].add(**case)
        self.count_case(case)

    def pick(self, index, received):
        """A kind of request and of agency; a case placed in an approved status gets
        one that the engine lets through."""
        approval = self.placed.get(index) in (Status.APPROVED, Status.FULFILLED)
        while True:
            archetype = self.rng.choices(ARCHETYPES, self.archetype_weights)[0]
            kind = self.rng.choice(archetype.kinds)
            evaluation = self.evaluation(archetype, kind, received.astimezone(self.zone).date())
            if not approval or (
                evaluation["decision"] != EngineDecision.DENY and evaluation["releasable"]
            ):
                return archetype, kind

    def steps_so_far(self, index, created, evaluation, archetype, kind):
        """The steps that have happened by now; placed and stalled cases stop early."""
        if index in self.placed:
            return path_to(self.placed[index], created)
        steps = story(
            self.rng,
            created,
            evaluation=evaluation,
            emergency=archetype.emergency,
            immigration=kind == AgencyKind.IMMIGRATION,
        )
        if self.rng.random() < STALLED_SHARE:
            steps = steps[: self.rng.randrange(len(steps) + 1)]
        return [step for step in steps if step.when <= self.now]

    def subject(self, archetype):
        rng = self.rng
        vehicle = "vehicle_registration" in archetype.categories
        purpose = archetype.purpose.replace("_", " ").capitalize()
        subject = {
            "subject_name": (
                f"{_drawn(rng, SUBJECT_FIRST_NAMES)} {_drawn(rng, SUBJECT_LAST_NAMES)}"
            ),
            "subject_dob": date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65)),
            "subject_license_number": str(rng.randrange(100_000_000, 1_000_000_000)),
            "subject_plate": "".join(rng.choices(PLATE_LETTERS, k=3))
            + str(rng.randrange(1000, 10000)),
            "subject_vin": "".join(rng.choices(VIN_LETTERS, k=17)) if vehicle else "",
            "narrative": f"{purpose}: the agency asks for records in an open matter.",
        }
        # Rows are written without save(): the search keys it would add, added here.
        return {**subject, **search_keys(subject)}

    def evaluation(self, archetype, kind, received):
        """The engine's result for this kind of request on this date (the engine is pure,
        so one evaluation serves every case alike)."""
        key = (archetype, kind, received)
        if key not in self.evaluations:
            self.evaluations[key] = evaluate_with_profile(
                disclosure_request=_policy_request(archetype, kind, received), profile=self.profile
            )
        return self.evaluations[key]

    def count_case(self, case):
        totals = self.totals
        totals.cases += 1
        totals.statuses[case["status"]] = totals.statuses.get(case["status"], 0) + 1
        year = case["number"][3:7]
        first, _ = totals.numbers.get(year, (case["number"], None))
        totals.numbers[year] = (first, case["number"])

    # What CaseRows writes through.

    def history(self, model, values, history_type, when, user, reason=None):
        self.tables[self.historical[model]].add(
            **values,
            history_date=when,
            history_type=history_type,
            history_user_id=user.id if user else None,
            history_change_reason=reason,
        )

    def read(self, case, person, when):
        """A read of the case in the access log, chained like audit.services.access_log."""
        self.chain.append(
            self.tables[AuditRecord],
            occurred_at=when,
            kind=str(Kind.ACCESS),
            action=str(Action.VIEW_CASE),
            outcome=str(Outcome.SUCCESS),
            user_id=person.id,
            username=person.username,
            office=person.office_code,
            ip_address=f"10.20.{case['office_id'] % 250}.{person.id % 250 + 2}",
            object_type="cases.disclosurerequest",
            object_id=str(case["id"]),
            case_number=case["number"],
            detail={},
        )


def _drawn(rng, table):
    """One name of a (names, cumulative weights) table of catalogue.py, as often as its
    weight says."""
    names, cumulative = table
    return rng.choices(names, cum_weights=cumulative)[0]


def _policy_request(archetype, kind, received):
    return {
        "received": received.isoformat(),
        "agency": {"kind": kind, "name": "Synthetic agency", "blocked": False},
        "purpose": archetype.purpose,
        "records": list(archetype.categories),
        "legal_process": [
            {"type": t, "issuer": i, **({"court_state": "NY"} if i == "state_judge" else {})}
            for t, i in archetype.documents
        ],
        "bulk": archetype.bulk,
        "emergency": archetype.emergency,
    }


@lru_cache(maxsize=50_000)
def due_date(received, emergency):
    return decision_due_date(received, emergency=emergency)
