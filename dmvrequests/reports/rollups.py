"""Daily rollups: the reports' counts kept as the cases change.

The dashboard and the transparency report count the requests received in a period,
every way (by month, agency, channel, legal process, outcome, category released...).
Counting the cases on every view costs in proportion to the table; instead each case
adds 1 to the counters that hold for it (counters.COUNTERS) in one DailyRollup row, keyed
by the state's date it was received, its office and its agency's kind, and 1 to the
requests of its DailyAgencyRollup row (day, office, agency), for the table by agency. A
report sums the rows of its period: at most one per day, office and agency kind (a few
dozen a day), however many cases there are.

Kept current in the same transaction as each change: `refresh_case` runs on every save
or delete of a case, a decision, a legal document or a release (signals wired in
reports/apps.py; services write through the ORM, so every change goes by them). It
recomputes the case's contribution, takes the previous one (CaseRollupState) away and
adds the new one, with `INSERT ... ON CONFLICT DO UPDATE SET n = n + delta` (PostgreSQL
and SQLite alike), so concurrent changes to different cases of the same day add up.
Bulk loads that bypass the ORM (seed_synthetic's COPY) call `rebuild` at their end, and
`manage.py rebuild_rollups` computes everything again from scratch (also after a change
of TIME_ZONE, which moves the day of a case).
"""

from collections import Counter, defaultdict
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest, LegalDocument, Release
from dmvrequests.reports import casefacts
from dmvrequests.reports.counters import COUNTERS
from dmvrequests.vocabulary import RecordCategory

REBUILD_BATCH = 20_000
_CATEGORIES = frozenset(RecordCategory.values)


def _models():
    # Imported late: reports.models imports the exports, which import the statistics,
    # which import this module.
    from dmvrequests.reports.models import CaseRollupState, DailyAgencyRollup, DailyRollup

    return CaseRollupState, DailyRollup, DailyAgencyRollup


class Contribution:
    """What one case adds to the rollups: its DailyRollup key (day, office, agency kind),
    its counters, and its DailyAgencyRollup key (day, office, agency)."""

    __slots__ = ("agency_id", "counters", "day", "decision_seconds", "key", "office_id")

    def __init__(self, day, office_id, agency_id, kind, counters, decision_seconds):
        self.day, self.office_id, self.agency_id = day, office_id, agency_id
        self.key = (day, office_id, kind)
        self.counters = tuple(sorted(counters))
        self.decision_seconds = decision_seconds

    @property
    def agency_key(self):
        return (self.day, self.office_id, self.agency_id)

    def __eq__(self, other):
        return (
            isinstance(other, Contribution)
            and self.key == other.key
            and self.agency_id == other.agency_id
            and self.counters == other.counters
            and self.decision_seconds == other.decision_seconds
        )

    __hash__ = None  # type: ignore[assignment]  # unhashable: it is compared by value


def case_counters(*, status, channel, decided_at, standing, types, categories):
    """The counters one case adds 1 to.

    `standing` is its standing decision as (outcome, reason), or None; `types` the set of
    its legal documents' types; `categories` the set of categories its releases included
    (None: no release). Definitions: docs/reports.md, the dashboard's table."""
    outcome = casefacts.outcome_of(status, *(standing or (None, None)))
    primary = casefacts.primary_of(types)
    found = ["requests", f"outcome_{outcome}", f"channel_{channel}", f"primary_{primary}"]
    if decided_at is not None:
        found.append("decided")
    if categories is not None:
        found += ["produced", f"produced_primary_{primary}"]
        found += [f"released_{c}" for c in categories if c in _CATEGORIES]
    found += [f"offered_{t}" for t in types] if types else ["offered_nothing"]
    return [name for name in found if name in _COUNTER_SET]


_COUNTER_SET = frozenset(COUNTERS)


def contributions(cases):
    """{case id: Contribution} for the cases of the queryset `cases`, in four queries
    (the cases, their standing decisions, document types and releases)."""
    cases = cases.order_by()
    ids = cases.values("pk")
    standing = {
        case_id: (outcome, reason)
        for case_id, outcome, reason in casefacts.standing_decisions(cases).values_list(
            "case_id", "outcome", "reason"
        )
    }
    types = defaultdict(set)
    for case_id, kind in (
        LegalDocument.objects.filter(case__in=ids).values_list("case_id", "type").distinct()
    ):
        types[case_id].add(kind)
    released: dict[int, set[str]] = {}
    for case_id, categories in Release.objects.filter(case__in=ids).values_list(
        "case_id", "categories"
    ):
        released.setdefault(case_id, set()).update(
            c for c in (categories or []) if isinstance(c, str)
        )
    found = {}
    rows = cases.values_list(
        "pk",
        "received_at",
        "office_id",
        "agency_id",
        "agency__kind",
        "channel",
        "status",
        "decided_at",
    )
    for pk, received_at, office_id, agency_id, kind, channel, status, decided_at in rows:
        counters = case_counters(
            status=status,
            channel=channel,
            decided_at=decided_at,
            standing=standing.get(pk),
            types=types.get(pk, set()),
            categories=released.get(pk),
        )
        seconds = (decided_at - received_at).total_seconds() if decided_at else None
        day = timezone.localtime(received_at).date()
        found[pk] = Contribution(day, office_id, agency_id, kind, counters, seconds)
    return found


def refresh_case(case_id):
    """Bring the rollups in step with case `case_id` as it is now in this transaction
    (gone: its contribution is taken away). Call it inside the transaction of the change."""
    CaseRollupState = _models()[0]
    with transaction.atomic():
        new = contributions(DisclosureRequest.objects.filter(pk=case_id)).get(case_id)
        state = CaseRollupState.objects.select_for_update().filter(case_id=case_id).first()
        old = _from_state(state)
        if old == new:
            return
        _apply(*_deltas(old, -1), *_deltas(new, 1))
        if new is None:
            if state is not None:
                state.delete()
            return
        CaseRollupState.objects.update_or_create(case_id=case_id, defaults=_state_fields(new))


def forget_case(case_id):
    """Take case `case_id`'s contribution away before the case itself is deleted."""
    CaseRollupState = _models()[0]
    with transaction.atomic():
        state = CaseRollupState.objects.select_for_update().filter(case_id=case_id).first()
        if state is None:
            return
        _apply(*_deltas(_from_state(state), -1))
        state.delete()


def _deltas(contribution, sign):
    """[(DailyRollup deltas, DailyAgencyRollup deltas)] of one contribution times `sign`."""
    if contribution is None:
        return []
    counts = Counter(dict.fromkeys(contribution.counters, sign))
    return [({contribution.key: counts}, {contribution.agency_key: sign})]


def _state_fields(contribution):
    return {
        "day": contribution.day,
        "office_id": contribution.office_id,
        "agency_id": contribution.agency_id,
        "agency_kind": contribution.key[2],
        "counters": list(contribution.counters),
        "decision_seconds": contribution.decision_seconds,
    }


def _from_state(state):
    if state is None:
        return None
    return Contribution(
        state.day,
        state.office_id,
        state.agency_id,
        state.agency_kind,
        state.counters,
        state.decision_seconds,
    )


def _upsert_sql(table, key, names):
    table = connection.ops.quote_name(table)
    quoted = [connection.ops.quote_name(name) for name in names]
    columns = ", ".join([*key, *quoted])
    placeholders = ", ".join(["%s"] * (len(key) + len(quoted)))
    updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" for n in quoted)
    return (
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


def _apply(*parts):
    """Add each part's deltas to the rollup rows: `parts` are (DailyRollup deltas
    {(day, office id, agency kind): Counter}, DailyAgencyRollup deltas {(day, office id,
    agency id): n}). Rows are written in key order (two transactions touching the same
    rows lock them in the same order); rows left without requests are dropped."""
    _, DailyRollup, DailyAgencyRollup = _models()
    wide: defaultdict[Any, Counter[str]] = defaultdict(Counter)
    narrow: Counter[Any] = Counter()
    for by_kind, by_agency in parts:
        for key, counts in by_kind.items():
            wide[key].update(counts)
        narrow.update(by_agency)
    wide_sql = _upsert_sql(
        DailyRollup._meta.db_table, ("day", "office_id", "agency_kind"), COUNTERS
    )
    narrow_sql = _upsert_sql(
        DailyAgencyRollup._meta.db_table, ("day", "office_id", "agency_id"), ("requests",)
    )
    with connection.cursor() as cursor:
        for key in sorted(wide):
            delta = wide[key]
            if any(delta.values()):
                cursor.execute(wide_sql, [*key, *(delta.get(name, 0) for name in COUNTERS)])
        for key in sorted(narrow):
            if narrow[key]:
                cursor.execute(narrow_sql, [*key, narrow[key]])
    for (day, office_id, kind), delta in wide.items():
        if delta.get("requests", 0) < 0:
            DailyRollup.objects.filter(
                day=day, office_id=office_id, agency_kind=kind, requests__lte=0
            ).delete()
    for (day, office_id, agency_id), n in narrow.items():
        if n < 0:
            DailyAgencyRollup.objects.filter(
                day=day, office_id=office_id, agency_id=agency_id, requests__lte=0
            ).delete()


def rebuild(*, batch=REBUILD_BATCH, progress=None):
    """Compute every rollup again from the cases, in one transaction: returns
    (cases, DailyRollup rows). Reads the cases in batches of `batch` ids."""
    CaseRollupState, DailyRollup, DailyAgencyRollup = _models()
    with transaction.atomic():
        for model in (CaseRollupState, DailyRollup, DailyAgencyRollup):
            model.objects.all().delete()
        totals: defaultdict[Any, Counter[str]] = defaultdict(Counter)
        per_agency: Counter[Any] = Counter()
        last, done = 0, 0
        ids = DisclosureRequest.objects.order_by("pk").values_list("pk", flat=True)
        while True:
            chunk = list(ids.filter(pk__gt=last)[:batch])
            if not chunk:
                break
            last = chunk[-1]
            found = contributions(DisclosureRequest.objects.filter(pk__gte=chunk[0], pk__lte=last))
            states = []
            for pk, contribution in found.items():
                totals[contribution.key].update(dict.fromkeys(contribution.counters, 1))
                per_agency[contribution.agency_key] += 1
                states.append(CaseRollupState(case_id=pk, **_state_fields(contribution)))
            CaseRollupState.objects.bulk_create(states, batch_size=5000)
            done += len(found)
            if progress:
                progress(done)
        rows = [
            DailyRollup(
                day=day,
                office_id=office_id,
                agency_kind=kind,
                **{name: counts.get(name, 0) for name in COUNTERS},
            )
            for (day, office_id, kind), counts in sorted(totals.items())
        ]
        DailyRollup.objects.bulk_create(rows, batch_size=2000)
        DailyAgencyRollup.objects.bulk_create(
            [
                DailyAgencyRollup(day=day, office_id=office_id, agency_id=agency_id, requests=n)
                for (day, office_id, agency_id), n in sorted(per_agency.items())
            ],
            batch_size=5000,
        )
    return done, len(rows)


def snapshot():
    """Every rollup row without the zeros, and every case's state: what a rebuild and the
    incremental path must agree on."""
    CaseRollupState, DailyRollup, DailyAgencyRollup = _models()
    rows = {}
    for row in DailyRollup.objects.values("day", "office_id", "agency_kind", *COUNTERS):
        key = (row.pop("day"), row.pop("office_id"), row.pop("agency_kind"))
        rows[key] = {name: n for name, n in row.items() if n}
    agencies = {
        (day, office_id, agency_id): n
        for day, office_id, agency_id, n in DailyAgencyRollup.objects.values_list(
            "day", "office_id", "agency_id", "requests"
        )
        if n
    }
    states = {
        s.case_id: (
            s.day,
            s.office_id,
            s.agency_id,
            s.agency_kind,
            sorted(s.counters),
            s.decision_seconds,
        )
        for s in CaseRollupState.objects.all()
    }
    return rows, agencies, states
