"""Rollups: the reports' counts kept as the cases change, by day and by month.

The dashboard and the transparency report count the requests received in a period,
every way (by month, agency, channel, legal process, outcome, category released...).
Counting the cases on every view costs in proportion to the table; instead each case
adds 1 to the counters that hold for it (counters.COUNTERS) in rows keyed by when it was
received (the state's date) and where:

- DailyRollup (day, office, agency kind) and DailyAgencyRollup (day, office, agency);
- MonthlyRollup (month, office, agency kind), MonthlyAgencyRollup (month, office, agency):
  the same for a whole month (`month` is its first day);
- StateMonthlyRollup (month, agency kind), StateMonthlyAgencyRollup (month, agency): every
  office together, so that the state's figures read a number of rows bounded by the months
  and the kinds (or agencies), not by the offices;
- DecisionTimeBucket (month, office, kind, bucket) and StateDecisionTimeBucket (month, kind,
  bucket): a decided case's time to decision in its 1 % bucket (decisiontimes.py), under its
  agency's kind and under models.EVERY_KIND.

A report reads whole months from the monthly rows and the days at its period's edges from
the daily ones (filters.PeriodParts).

Kept current in the same transaction as each change: `refresh_case` runs on every save
or delete of a case, a decision, a legal document, a release or a subject notice (signals wired in
reports/apps.py; services write through the ORM, so every change goes by them). It
recomputes the case's contribution, takes the previous one (CaseRollupState) away and
adds the new one, with `INSERT ... ON CONFLICT DO UPDATE SET n = n + delta` (PostgreSQL
and SQLite alike), so concurrent changes to different cases of the same day add up.
Bulk loads that bypass the ORM (seed_synthetic's COPY) call `rebuild` at their end, and
`manage.py rebuild_rollups` computes everything again from scratch (also after a change
of TIME_ZONE, which moves the day of a case).
"""

from collections import Counter, defaultdict
from typing import Any, NamedTuple

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest, LegalDocument, Release, SubjectNotice
from dmvrequests.reports import casefacts
from dmvrequests.reports.counters import COUNTERS
from dmvrequests.reports.decisiontimes import bucket_of
from dmvrequests.vocabulary import RecordCategory

REBUILD_BATCH = 20_000
_CATEGORIES = frozenset(RecordCategory.values)
# models.EVERY_KIND, spelt here: reports.models imports the exports, which import the
# statistics, which import this module.
EVERY_KIND = ""


class Table(NamedTuple):
    """One rollup table: its model's name, its key columns, the columns it adds up, and
    the column whose zero means the row counts nothing (the row is then dropped)."""

    model_name: str
    keys: tuple
    columns: tuple
    counted: str

    @property
    def model(self):
        return apps.get_model("reports", self.model_name)


_REQUESTS = ("requests",)
# Written in this order, each table's rows in key order: two transactions touching the
# same rows lock them in the same order.
TABLES = (
    Table("DailyRollup", ("day", "office_id", "agency_kind"), COUNTERS, "requests"),
    Table("DailyAgencyRollup", ("day", "office_id", "agency_id"), _REQUESTS, "requests"),
    Table("MonthlyRollup", ("month", "office_id", "agency_kind"), COUNTERS, "requests"),
    Table("StateMonthlyRollup", ("month", "agency_kind"), COUNTERS, "requests"),
    Table("MonthlyAgencyRollup", ("month", "office_id", "agency_id"), _REQUESTS, "requests"),
    Table("StateMonthlyAgencyRollup", ("month", "agency_id"), _REQUESTS, "requests"),
    Table(
        "DecisionTimeBucket", ("month", "office_id", "agency_kind", "bucket"), ("cases",), "cases"
    ),
    Table("StateDecisionTimeBucket", ("month", "agency_kind", "bucket"), ("cases",), "cases"),
)


def _state_model():
    return apps.get_model("reports", "CaseRollupState")


class Contribution:
    """What one case adds to the rollups: its day, office, agency and agency kind, the
    counters it adds 1 to, and its time to decision in seconds (None: undecided)."""

    __slots__ = ("agency_id", "counters", "day", "decision_seconds", "kind", "office_id")

    def __init__(self, day, office_id, agency_id, kind, counters, decision_seconds):
        self.day, self.office_id, self.agency_id = day, office_id, agency_id
        self.kind = kind
        self.counters = tuple(sorted(counters))
        self.decision_seconds = decision_seconds

    def rows(self):
        """{table model name: {key: Counter}}: the rows this case adds to (1 each)."""
        month = self.day.replace(day=1)
        office, agency, kind = self.office_id, self.agency_id, self.kind
        counts = Counter(dict.fromkeys(self.counters, 1))
        one = Counter(requests=1)
        found = {
            "DailyRollup": {(self.day, office, kind): counts},
            "DailyAgencyRollup": {(self.day, office, agency): one},
            "MonthlyRollup": {(month, office, kind): counts},
            "StateMonthlyRollup": {(month, kind): counts},
            "MonthlyAgencyRollup": {(month, office, agency): one},
            "StateMonthlyAgencyRollup": {(month, agency): one},
        }
        if self.decision_seconds is not None:
            bucket, case = bucket_of(self.decision_seconds), Counter(cases=1)
            found["DecisionTimeBucket"] = {
                (month, office, k, bucket): case for k in (kind, EVERY_KIND)
            }
            found["StateDecisionTimeBucket"] = {
                (month, k, bucket): case for k in (kind, EVERY_KIND)
            }
        return found

    def __eq__(self, other):
        return (
            isinstance(other, Contribution)
            and (self.day, self.office_id, self.agency_id, self.kind)
            == (other.day, other.office_id, other.agency_id, other.kind)
            and self.counters == other.counters
            and self.decision_seconds == other.decision_seconds
        )

    __hash__ = None  # type: ignore[assignment]  # unhashable: it is compared by value


def case_counters(*, status, channel, decided_at, standing, types, categories, notice=None):
    """The counters one case adds 1 to.

    `standing` is its standing decision as (outcome, reason), or None; `types` the set of
    its legal documents' types; `categories` the set of categories its releases included
    (None: no release); `notice` its subject notice's casefacts.notice_state (None: no
    notice, or one no row claims). Definitions: docs/reports.md, the dashboard's table."""
    outcome = casefacts.outcome_of(status, *(standing or (None, None)))
    primary = casefacts.primary_of(types)
    found = ["requests", f"outcome_{outcome}", f"channel_{channel}", f"primary_{primary}"]
    if decided_at is not None:
        found.append("decided")
    if categories is not None:
        found += ["produced", f"produced_primary_{primary}"]
        found += [f"released_{c}" for c in categories if c in _CATEGORIES]
    found += [f"offered_{t}" for t in types] if types else ["offered_nothing"]
    if notice is not None:
        found.append(f"notice_{notice}")
    return [name for name in found if name in _COUNTER_SET]


_COUNTER_SET = frozenset(COUNTERS)


def contributions(cases):
    """{case id: Contribution} for the cases of the queryset `cases`, in five queries
    (the cases, their standing decisions, document types, releases and notices)."""
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
    notices = {
        case_id: casefacts.notice_state(status, sent_at, due_date)
        for case_id, status, sent_at, due_date in SubjectNotice.objects.filter(
            case__in=ids
        ).values_list("case_id", "status", "sent_at", "due_date")
    }
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
            notice=notices.get(pk),
        )
        seconds = (decided_at - received_at).total_seconds() if decided_at else None
        day = timezone.localtime(received_at).date()
        found[pk] = Contribution(day, office_id, agency_id, kind, counters, seconds)
    return found


def refresh_case(case_id):
    """Bring the rollups in step with case `case_id` as it is now in this transaction
    (gone: its contribution is taken away). Call it inside the transaction of the change."""
    CaseRollupState = _state_model()
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
    CaseRollupState = _state_model()
    with transaction.atomic():
        state = CaseRollupState.objects.select_for_update().filter(case_id=case_id).first()
        if state is None:
            return
        _apply(*_deltas(_from_state(state), -1))
        state.delete()


def _deltas(contribution, sign):
    """[{table model name: {key: Counter}}]: one contribution's rows times `sign`."""
    if contribution is None:
        return []
    return [
        {
            name: {
                key: Counter({c: sign * n for c, n in counts.items()})
                for key, counts in rows.items()
            }
            for name, rows in contribution.rows().items()
        }
    ]


def _state_fields(contribution):
    return {
        "day": contribution.day,
        "office_id": contribution.office_id,
        "agency_id": contribution.agency_id,
        "agency_kind": contribution.kind,
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


def _merged(parts):
    """{table model name: {key: Counter}}: the parts' deltas added up."""
    found: defaultdict[str, defaultdict[Any, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for part in parts:
        for name, rows in part.items():
            for key, counts in rows.items():
                found[name][key].update(counts)
    return found


def _apply(*parts):
    """Add each part's deltas ({table model name: {key: Counter}}, as `_deltas` gives)
    to the rollup rows, table by table in TABLES order and each table's rows in key
    order (two transactions touching the same rows lock them in the same order); rows
    left counting nothing are dropped."""
    merged = _merged(parts)
    with connection.cursor() as cursor:
        for table in TABLES:
            rows = merged.get(table.model_name, {})
            sql = _upsert_sql(table.model._meta.db_table, table.keys, table.columns)
            for key in sorted(rows):
                delta = rows[key]
                if any(delta.values()):
                    cursor.execute(sql, [*key, *(delta.get(name, 0) for name in table.columns)])
    for table in TABLES:
        for key, delta in merged.get(table.model_name, {}).items():
            if delta.get(table.counted, 0) < 0:
                table.model.objects.filter(
                    **dict(zip(table.keys, key, strict=True)), **{f"{table.counted}__lte": 0}
                ).delete()


def rebuild(*, batch=REBUILD_BATCH, progress=None):
    """Compute every rollup again from the cases, in one transaction: returns
    (cases, DailyRollup rows). Reads the cases in batches of `batch` ids."""
    CaseRollupState = _state_model()
    with transaction.atomic():
        for model in (CaseRollupState, *(table.model for table in TABLES)):
            model.objects.all().delete()
        totals: defaultdict[str, defaultdict[Any, Counter[str]]] = defaultdict(
            lambda: defaultdict(Counter)
        )
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
                for name, rows in contribution.rows().items():
                    for key, counts in rows.items():
                        totals[name][key].update(counts)
                states.append(CaseRollupState(case_id=pk, **_state_fields(contribution)))
            CaseRollupState.objects.bulk_create(states, batch_size=5000)
            done += len(found)
            if progress:
                progress(done)
        for table in TABLES:
            table.model.objects.bulk_create(
                [
                    table.model(
                        **dict(zip(table.keys, key, strict=True)),
                        **{name: counts.get(name, 0) for name in table.columns},
                    )
                    for key, counts in sorted(totals[table.model_name].items())
                ],
                batch_size=2000,
            )
    return done, len(totals["DailyRollup"])


def snapshot():
    """Every rollup table's rows without the zeros ({table model name: {key: {column:
    n}}}), and every case's state under "states": what a rebuild and the incremental
    path must agree on."""
    found: dict[str, dict] = {}
    for table in TABLES:
        rows = {}
        for row in table.model.objects.values(*table.keys, *table.columns):
            key = tuple(row.pop(name) for name in table.keys)
            rows[key] = {name: n for name, n in row.items() if n}
        found[table.model_name] = rows
    found["states"] = {
        s.case_id: (
            s.day,
            s.office_id,
            s.agency_id,
            s.agency_kind,
            sorted(s.counters),
            s.decision_seconds,
        )
        for s in _state_model().objects.all()
    }
    return found
