"""The journal's daily rollup (`DailyCount`): keeping it and reading it.

One row per local day (TIME_ZONE), direction, party ORI (a query's sender, a response's
destination) and message key, with the party's agency and kind and the number of messages
carrying each flag. The import adds the messages it stores in the same transaction
(`add_entries`, or on PostgreSQL `PG_ADD_INSERTED` over the rows an INSERT returns); attribution
and retention refill the rows they change (`refill`); `rebuild` (`manage.py
rebuild_switch_log_rollups`) builds the whole table again from the journal, and gives the same
rows as the incremental way.

The monthly rollup (`MonthlyCount`) holds the same sums by local month, with the first and last
days that have any; it is kept in the same statements and transactions as the daily one
(`PG_ADD_MONTHS`, `add_entries`; retention counts its cut month again from the daily rows,
`months_from_days`).

`grouped(filter, by)` is what selectors.py reads (the period's whole months from the monthly
rollup, the days before and after them from the daily one): the sums over the filter's days by the
dimensions `by`: `month` (first day of the local month), `direction`, `agency_kind`,
`agency_id`, `message_key`, `ori`. Each row holds its dimensions and the sums `messages`,
`image`, `name_only`, `partial_plate`, `blocked`, `block_leaks`, `carries_data` (and
`first_day`, `last_day`, local dates, with `days=True`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Sum, When
from django.db.models.functions import TruncDate, TruncMonth

from dmvrequests.switchjournal import generation
from dmvrequests.switchjournal.models import DailyCount, Direction, JournalEntry, MonthlyCount

if TYPE_CHECKING:
    from dmvrequests.switchjournal.selectors import JournalFilter

DIMENSIONS = ("month", "direction", "agency_kind", "agency_id", "message_key", "ori")
# The rollup's counts and the journal's flag each counts (`messages` counts every message).
SUMS = {
    "image": "image",
    "name_only": "name_only",
    "partial_plate": "partial_plate",
    "blocked": "blocked",
    "block_leaks": "block_leak",
    "carries_data": "carries_data",
}
KEY = ("day", "direction", "ori", "message_key")
COLUMNS = [*KEY, "agency_id", "agency_kind", "messages", *SUMS]
MONTH_KEY = ("month", "direction", "ori", "message_key")
MONTH_COLUMNS = [*MONTH_KEY, "agency_id", "agency_kind", "messages", *SUMS, "first_day", "last_day"]


def upsert_tail(*, months: bool = False) -> str:
    """`ON CONFLICT ... DO UPDATE`: counts add up; the agency is the newest attribution; a
    month's first and last days widen (`months`: the monthly rollup)."""
    table = (MonthlyCount if months else DailyCount)._meta.db_table
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in ["messages", *SUMS])
    if months:
        least, greatest = (
            ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("min", "max")
        )
        added += (
            f", first_day = {least}({table}.first_day, excluded.first_day)"
            f", last_day = {greatest}({table}.last_day, excluded.last_day)"
        )
    # Column and table names come from this module's constants and the model: no input.
    return (  # nosec B608
        f"ON CONFLICT ({', '.join(MONTH_KEY if months else KEY)}) DO UPDATE SET {added}, "  # nosec B608
        "agency_id = excluded.agency_id, agency_kind = excluded.agency_kind"
    )


def insert_head(*, months: bool = False) -> str:
    if months:
        return f"INSERT INTO {MonthlyCount._meta.db_table} ({', '.join(MONTH_COLUMNS)}) "
    return f"INSERT INTO {DailyCount._meta.db_table} ({', '.join(COLUMNS)}) "


# PostgreSQL: add to the rollup the rows of a CTE `stored` (the RETURNING of the journal's
# INSERT: timestamp, direction, sender_ori, destination, message_key, agency_id, agency_kind and
# the flags). One parameter: the time zone of the days.
_PG_SELECT = (
    'SELECT ("timestamp" AT TIME ZONE %s)::date, direction, '  # noqa: S608  # nosec B608
    + "CASE WHEN direction = 'IN' THEN sender_ori ELSE destination END, message_key, "
    + "max(agency_id), max(agency_kind), count(*), "
    + ", ".join(f"count(*) FILTER (WHERE {flag})" for flag in SUMS.values())
    + " FROM stored GROUP BY 1, 2, 3, 4 "
)
PG_ADD_INSERTED = insert_head() + _PG_SELECT + upsert_tail()
# The same rows added to the monthly rollup (one parameter: the time zone).
_PG_MONTH_SELECT = (
    "SELECT date_trunc('month', day)::date, direction, party, message_key, "  # noqa: S608  # nosec B608
    + "max(agency_id), max(agency_kind), count(*), "
    + ", ".join(f"count(*) FILTER (WHERE {flag})" for flag in SUMS.values())
    + ', min(day), max(day) FROM (SELECT *, ("timestamp" AT TIME ZONE %s)::date AS day, '
    + "CASE WHEN direction = 'IN' THEN sender_ori ELSE destination END AS party "
    + "FROM stored) AS days GROUP BY 1, 2, 3, 4 "
)


def pg_add_months() -> str:
    """The monthly rollup's INSERT over the CTE `stored` (PostgreSQL, one parameter: the time
    zone), to run beside PG_ADD_INSERTED in the same statement."""
    return insert_head(months=True) + _PG_MONTH_SELECT + upsert_tail(months=True)


PG_RETURNED = (
    '"timestamp", direction, sender_ori, destination, message_key, agency_id, agency_kind, '
    + ", ".join(SUMS.values())
)


def _grouped_entries(entries: QuerySet[JournalEntry]) -> QuerySet[Any]:
    """`entries` summed by the rollup's key, its columns in COLUMNS' order."""
    counts = {f"n_{name}": Count("id", filter=Q(**{flag: True})) for name, flag in SUMS.items()}
    return (
        entries.annotate(
            day=TruncDate("timestamp", tzinfo=ZoneInfo(time_zone())),
            party=Case(
                When(direction=Direction.IN, then=F("sender_ori")), default=F("destination")
            ),
        )
        .values("day", "direction", "party", "message_key")
        .annotate(
            n_agency=Max("agency_id"),
            n_kind=Max("agency_kind"),
            n_messages=Count("id"),
            **counts,
        )
        .order_by()
    )


def _grouped_months(entries: QuerySet[JournalEntry]) -> QuerySet[Any]:
    """`entries` summed by the monthly rollup's key, its columns in MONTH_COLUMNS' order."""
    day = TruncDate("timestamp", tzinfo=ZoneInfo(time_zone()))
    counts = {f"n_{name}": Count("id", filter=Q(**{flag: True})) for name, flag in SUMS.items()}
    return (
        entries.annotate(
            month=TruncMonth(day),
            party=Case(
                When(direction=Direction.IN, then=F("sender_ori")), default=F("destination")
            ),
        )
        .values("month", "direction", "party", "message_key")
        .annotate(
            n_agency=Max("agency_id"),
            n_kind=Max("agency_kind"),
            n_messages=Count("id"),
            **counts,
            n_first=Min(day),
            n_last=Max(day),
        )
        .order_by()
    )


def add_entries(entries: QuerySet[JournalEntry], *, months: bool = True) -> None:
    """Add the messages `entries` to the daily rollup and (`months`) to the monthly one, one
    INSERT ... SELECT ... ON CONFLICT each."""
    sql, params = _grouped_entries(entries).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(insert_head() + sql + " " + upsert_tail(), params)
        if months:
            sql, params = _grouped_months(entries).query.sql_with_params()
            cursor.execute(insert_head(months=True) + sql + " " + upsert_tail(months=True), params)


def refill(entries: Q, counts: Q, months: Q | None = None) -> None:
    """Count again: remove the daily rows `counts` (and the monthly rows `months`, when given)
    and add the messages `entries` (the same days or months, directions and ORIs), in one
    transaction."""
    with transaction.atomic():
        DailyCount.objects.filter(counts).delete()
        if months is not None:
            MonthlyCount.objects.filter(months).delete()
        add_entries(JournalEntry.objects.filter(entries), months=months is not None)


def months_from_days(month: date) -> None:
    """Count the monthly rollup's `month` (its first day) again from the daily rows (after
    retention cut into it)."""
    following = (month + timedelta(days=32)).replace(day=1)
    days = DailyCount.objects.filter(day__gte=month, day__lt=following)
    sums = {f"n_{name}": Sum(name) for name in ["messages", *SUMS]}
    rows = (
        days.values("direction", "ori", "message_key")
        .annotate(n_agency=Max("agency_id"), n_kind=Max("agency_kind"), **sums)
        .annotate(n_first=Min("day"), n_last=Max("day"))
        .order_by()
    )
    sql, params = rows.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        MonthlyCount.objects.filter(month=month).delete()
        cursor.execute(
            f"{insert_head(months=True)} SELECT %s, grouped.* FROM ({sql}) AS grouped",  # noqa: S608  # nosec B608
            [month, *params],
        )


def refill_parties(direction: str, oris: list[str]) -> None:
    """Count again the messages of these party ORIs in `direction` (after attribution)."""
    column = "sender_ori" if direction == Direction.IN else "destination"
    for start in range(0, len(oris), 500):
        chunk = oris[start : start + 500]
        parties = Q(direction=direction, ori__in=chunk)
        refill(Q(direction=direction, **{f"{column}__in": chunk}), parties, parties)


def rebuild() -> int:
    """Build both rollups again from the journal; the number of daily rows."""
    with transaction.atomic():
        DailyCount.objects.all().delete()
        MonthlyCount.objects.all().delete()
        add_entries(JournalEntry.objects.all())
        generation.bump()
        return DailyCount.objects.count()


def time_zone() -> str:
    return str(settings.TIME_ZONE)


# -- Reading ------------------------------------------------------------------------------------


_READ: ContextVar[dict[tuple[Any, ...], list[dict[str, Any]]] | None] = ContextVar(
    "switch_journal_rollup_reads", default=None
)


@contextmanager
def reading_once() -> Iterator[None]:
    """Within the block, `grouped` reads each (filter, grouping) once and gives copies of the
    rows afterwards (a page built from several figures over the same filter)."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def grouped(
    journal_filter: JournalFilter,
    by: list[str],
    *,
    direction: str | None = None,
    days: bool = False,
) -> list[dict[str, Any]]:
    """The sums of the filter's rollup rows (of one `direction` when given) grouped by `by`:
    the whole months of the period from the monthly rollup, the days before and after them
    from the daily one, added up by `by` (first_day the least, last_day the greatest)."""
    read = _READ.get()
    if read is None:
        return _grouped(journal_filter, by, direction, days)
    key = (journal_filter, tuple(by), direction, days)
    if key not in read:
        read[key] = _grouped(journal_filter, by, direction, days)
    return [dict(row) for row in read[key]]


def _grouped(
    journal_filter: JournalFilter, by: list[str], direction: str | None, days: bool
) -> list[dict[str, Any]]:
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}")
    first, last = whole_months(journal_filter.date_from, journal_filter.date_to)
    if first is None or last is None:
        return _sums(
            DailyCount.objects.filter(
                day__gte=journal_filter.date_from, day__lte=journal_filter.date_to
            ),
            journal_filter,
            by,
            direction,
            days,
        )
    parts = [
        _sums(
            MonthlyCount.objects.filter(month__gte=first, month__lte=last),
            journal_filter,
            by,
            direction,
            days,
        )
    ]
    following = (last + timedelta(days=32)).replace(day=1)
    edges = Q(day__gte=journal_filter.date_from, day__lt=first) | Q(
        day__gte=following, day__lte=journal_filter.date_to
    )
    if journal_filter.date_from < first or following <= journal_filter.date_to:
        parts.append(_sums(DailyCount.objects.filter(edges), journal_filter, by, direction, days))
    return _merged(parts, by)


def whole_months(date_from: date, date_to: date) -> tuple[date | None, date | None]:
    """The first days of the first and last months lying wholly in `date_from`..`date_to`
    (inclusive), or (None, None) when no month does."""
    first = date_from if date_from.day == 1 else (date_from + timedelta(days=32)).replace(day=1)
    after = date_to + timedelta(days=1)
    last = (after.replace(day=1) - timedelta(days=1)).replace(
        day=1
    )  # the month ending before after
    if first > last:
        return None, None
    return first, last


def _sums(
    rows: QuerySet[Any],
    journal_filter: JournalFilter,
    by: list[str],
    direction: str | None,
    days: bool,
) -> list[dict[str, Any]]:
    """One rollup's rows (daily or monthly) under the filter's direction, kind and agency,
    summed by `by`."""
    monthly = rows.model is MonthlyCount
    if direction:
        rows = rows.filter(direction=direction)
    if journal_filter.agency_kind:
        rows = rows.filter(agency_kind=journal_filter.agency_kind)
    if journal_filter.agency_id is not None:
        rows = rows.filter(agency_id=journal_filter.agency_id)
    if "month" in by and not monthly:
        rows = rows.annotate(month=TruncMonth("day"))
    sums: dict[str, Any] = {name: Sum(name) for name in ["messages", *SUMS]}
    if days:
        first, last = ("first_day", "last_day") if monthly else ("day", "day")
        sums.update(first_day=Min(first), last_day=Max(last))
    return [dict(row) for row in rows.values(*by).annotate(**sums).order_by()]


def _merged(parts: list[list[dict[str, Any]]], by: list[str]) -> list[dict[str, Any]]:
    """The rows of `parts` added up by their `by` values."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rows in parts:
        for row in rows:
            key = tuple(row[name] for name in by)
            found = merged.get(key)
            if found is None:
                merged[key] = row
                continue
            for name in ["messages", *SUMS]:
                found[name] += row[name]
            if "first_day" in row:
                found["first_day"] = min(found["first_day"], row["first_day"])
                found["last_day"] = max(found["last_day"], row["last_day"])
    return list(merged.values())
