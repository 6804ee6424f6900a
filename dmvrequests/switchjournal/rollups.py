"""The journal's daily rollup (`DailyCount`): keeping it and reading it.

One row per local day (TIME_ZONE), direction, party ORI (a query's sender, a response's
destination) and message key, with the party's agency and kind and the number of messages
carrying each flag. The import adds the messages it stores in the same transaction
(`add_entries`, or on PostgreSQL `PG_ADD_INSERTED` over the rows an INSERT returns); attribution
and retention refill the rows they change (`refill`); `rebuild` (`manage.py
rebuild_switch_log_rollups`) builds the whole table again from the journal, and gives the same
rows as the incremental way.

`grouped(filter, by)` is what selectors.py reads: the sums over the filter's days by the
dimensions `by`: `month` (first day of the local month), `direction`, `agency_kind`,
`agency_id`, `message_key`, `ori`. Each row holds its dimensions and the sums `messages`,
`image`, `name_only`, `partial_plate`, `blocked`, `block_leaks`, `carries_data` (and
`first_day`, `last_day`, local dates, with `days=True`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Sum, When
from django.db.models.functions import TruncDate, TruncMonth

from dmvrequests.switchjournal.models import DailyCount, Direction, JournalEntry

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


def _upsert_tail() -> str:
    """`ON CONFLICT ... DO UPDATE`: counts add up; the agency is the newest attribution."""
    table = DailyCount._meta.db_table
    added = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in ["messages", *SUMS])
    # Column and table names come from this module's constants and the model: no input.
    return (  # nosec B608
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {added}, "  # nosec B608
        "agency_id = excluded.agency_id, agency_kind = excluded.agency_kind"
    )


def _insert_head() -> str:
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
PG_ADD_INSERTED = _insert_head() + _PG_SELECT + _upsert_tail()
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


def add_entries(entries: QuerySet[JournalEntry]) -> None:
    """Add the messages `entries` to the rollup (in one INSERT ... SELECT ... ON CONFLICT)."""
    sql, params = _grouped_entries(entries).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_insert_head() + sql + " " + _upsert_tail(), params)


def refill(entries: Q, counts: Q) -> None:
    """Count again: remove the rollup rows `counts` and add the messages `entries` (the same
    days, directions and ORIs), in one transaction."""
    with transaction.atomic():
        DailyCount.objects.filter(counts).delete()
        add_entries(JournalEntry.objects.filter(entries))


def refill_parties(direction: str, oris: list[str]) -> None:
    """Count again the messages of these party ORIs in `direction` (after attribution)."""
    column = "sender_ori" if direction == Direction.IN else "destination"
    for start in range(0, len(oris), 500):
        chunk = oris[start : start + 500]
        refill(
            Q(direction=direction, **{f"{column}__in": chunk}),
            Q(direction=direction, ori__in=chunk),
        )


def rebuild() -> int:
    """Build the whole rollup again from the journal; the number of rows."""
    with transaction.atomic():
        DailyCount.objects.all().delete()
        add_entries(JournalEntry.objects.all())
        return DailyCount.objects.count()


def time_zone() -> str:
    return str(settings.TIME_ZONE)


# -- Reading ------------------------------------------------------------------------------------


def grouped(
    journal_filter: JournalFilter,
    by: list[str],
    *,
    direction: str | None = None,
    days: bool = False,
) -> list[dict[str, Any]]:
    """The sums of the filter's rollup rows (of one `direction` when given) grouped by `by`."""
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"cannot group by {sorted(unknown)}")
    rows = DailyCount.objects.filter(
        day__gte=journal_filter.date_from, day__lte=journal_filter.date_to
    )
    if direction:
        rows = rows.filter(direction=direction)
    if journal_filter.agency_kind:
        rows = rows.filter(agency_kind=journal_filter.agency_kind)
    if journal_filter.agency_id is not None:
        rows = rows.filter(agency_id=journal_filter.agency_id)
    if "month" in by:
        rows = rows.annotate(month=TruncMonth("day"))
    sums: dict[str, Any] = {name: Sum(name) for name in ["messages", *SUMS]}
    if days:
        sums.update(first_day=Min("day"), last_day=Max("day"))
    return [dict(row) for row in rows.values(*by).annotate(**sums).order_by()]
