"""Reading the switch journal: the figures of `switch_log_stats` and of the "Network queries"
pages (docs/network-queries.md). Pages call only the functions of this module.

Every figure is over a `JournalFilter`: days `date_from`..`date_to` inclusive in the state's
time zone (TIME_ZONE), optionally one agency kind (an `AgencyKind` value or `unknown`) and/or one
directory agency. A query (`IN`) is counted under its sender's agency, a response (`OUT`) under
its destination's. Counts are numbers of messages (int); months are the first day of the month
(`datetime.date`); days are local dates; times are aware datetimes (UTC from the database, to be
shown with `timezone.localtime`). The rules behind the flags are the journal contract's,
restated in docs/network-queries.md ("What each query is").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from dmvrequests.agencies.blocklist import switch_lists
from dmvrequests.agencies.directory import OriDirectory, ori_directory
from dmvrequests.switchjournal import rollups
from dmvrequests.switchjournal.models import UNKNOWN_KIND, Burst, Direction, JournalEntry
from dmvrequests.vocabulary import AgencyKind

TOP_ORIS = 20
FLAGS = ("image", "name_only", "partial_plate", "blocked")
# The kinds every figure by kind lists (zeros included), in this order.
KINDS = (*AgencyKind.values, UNKNOWN_KIND)
# What `entries(flag=...)` can select (the figures a page links to their entries).
ENTRY_FLAGS = (
    "queries",
    "responses",
    "immigration",
    "image",
    "immigration_image",
    "unknown_image",
    "name_only",
    "partial_plate",
    "blocked",
    "block_leaks",
)


@dataclass(frozen=True)
class JournalFilter:
    """What a figure counts: the local days `date_from`..`date_to` (inclusive), and when given
    one agency kind (`AgencyKind` value or `unknown`; "" for all) and one agency (its id)."""

    date_from: date
    date_to: date
    agency_kind: str = ""
    agency_id: int | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: local_day_bounds of the dates."""
        return local_day_bounds(self.date_from, self.date_to)


def local_day_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start, end): from midnight starting `date_from` to midnight ending `date_to`, in the
    state's time zone (TIME_ZONE), as aware datetimes."""
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return start, end


def months_between(date_from: date, date_to: date) -> list[date]:
    """The first day of each month from `date_from`'s to `date_to`'s, in order."""
    months = []
    month = date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


# -- Figures over the whole period -------------------------------------------------------------


def _zero_figures() -> dict[str, Any]:
    return {
        "queries": 0,
        "responses": 0,
        "immigration": 0,
        "image": 0,
        "immigration_image": 0,
        "unknown_image": 0,
        "name_only": 0,
        "partial_plate": 0,
        "blocked": 0,
        "block_leaks": 0,
        "refused": 0,
    }


def _add(figures: dict[str, Any], row: dict[str, Any]) -> None:
    """Add one grouped row (rollups.grouped) to `figures`."""
    if row["direction"] == Direction.OUT:
        figures["responses"] += row["messages"]
        figures["block_leaks"] += row["block_leaks"]
        figures["refused"] += row["messages"] - row["carries_data"]
        return
    figures["queries"] += row["messages"]
    for flag in FLAGS:
        figures[flag] += row[flag]
    if row["agency_kind"] == AgencyKind.IMMIGRATION:
        figures["immigration"] += row["messages"]
        figures["immigration_image"] += row["image"]
    elif row["agency_kind"] == UNKNOWN_KIND:
        figures["unknown_image"] += row["image"]


def totals(journal_filter: JournalFilter) -> dict[str, int]:
    """The period's figures: `queries` (IN messages), `responses` (OUT messages),
    `immigration` (queries from immigration agencies), `image` (photo requests, `IMQ/Y`),
    `immigration_image` and `unknown_image` (photo requests from immigration agencies / from
    ORIs of no known agency), `name_only`, `partial_plate`, `blocked` (queries from an ORI
    blocked at the time), `block_leaks` (responses carrying data to a blocked ORI), `refused`
    (responses carrying no data: NO RECORD, ACCESS DENIED...)."""
    figures = _zero_figures()
    for row in rollups.grouped(journal_filter, ["direction", "agency_kind"]):
        _add(figures, row)
    return figures


def monthly(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """`totals` month by month: `[{"month": date, "immigration_share": float | None, ...the
    fields of totals}]`, every month of the period in order (zeros included).
    `immigration_share` is immigration / queries (0..1), None for a month with no query."""
    by_month = {month: _zero_figures() for month in _months(journal_filter)}
    for row in rollups.grouped(journal_filter, ["month", "direction", "agency_kind"]):
        _add(by_month.setdefault(row["month"], _zero_figures()), row)
    result = []
    for month, figures in sorted(by_month.items()):
        queries = figures["queries"]
        share = figures["immigration"] / queries if queries else None
        result.append({"month": month, "immigration_share": share, **figures})
    return result


def monthly_by_kind(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """Queries by month and agency kind: `[{"month": date, "queries": n, "by_kind": {kind:
    n}}]`, every month of the period, every kind of KINDS listed (zeros included)."""
    by_month = {month: dict.fromkeys(KINDS, 0) for month in _months(journal_filter)}
    query_filter = journal_filter
    for row in rollups.grouped(query_filter, ["month", "agency_kind"], direction=Direction.IN):
        kinds = by_month.setdefault(row["month"], dict.fromkeys(KINDS, 0))
        kinds[row["agency_kind"]] = kinds.get(row["agency_kind"], 0) + row["messages"]
    return [
        {"month": month, "queries": sum(kinds.values()), "by_kind": kinds}
        for month, kinds in sorted(by_month.items())
    ]


def immigration_share(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """Immigration agencies' share of the queries by month: `[{"month": date, "queries": n,
    "immigration": n, "share": float 0..1 or None when the month has no query}]`."""
    return [
        {
            "month": row["month"],
            "queries": row["queries"],
            "immigration": row["immigration"],
            "share": row["immigration_share"],
        }
        for row in monthly(journal_filter)
    ]


def photo_requests(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """Photo requests (`IMQ/Y`) by month: `[{"month": date, "image": n, "immigration_image":
    n, "unknown_image": n}]` (all of them; from immigration agencies; from unknown ORIs)."""
    return [
        {key: row[key] for key in ("month", "image", "immigration_image", "unknown_image")}
        for row in monthly(journal_filter)
    ]


def query_kinds(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """Name-only and partial-plate queries by month: `[{"month": date, "queries": n,
    "name_only": n, "partial_plate": n}]`."""
    return [
        {key: row[key] for key in ("month", "queries", "name_only", "partial_plate")}
        for row in monthly(journal_filter)
    ]


def by_message_key(journal_filter: JournalFilter) -> dict[str, int]:
    """Queries by Nlets message key (`{"DQ": n, ...}`, the keys present, sorted)."""
    rows = rollups.grouped(journal_filter, ["message_key"], direction=Direction.IN)
    return {row["message_key"]: row["messages"] for row in sorted(rows, key=_key)}


def _key(row: dict[str, Any]) -> str:
    return str(row["message_key"])


def by_agency_kind(journal_filter: JournalFilter) -> dict[str, int]:
    """Queries by agency kind: every kind of KINDS (zeros included), `unknown` last."""
    kinds = dict.fromkeys(KINDS, 0)
    for row in rollups.grouped(journal_filter, ["agency_kind"], direction=Direction.IN):
        kinds[row["agency_kind"]] = kinds.get(row["agency_kind"], 0) + row["messages"]
    return kinds


def top_oris(journal_filter: JournalFilter, limit: int = TOP_ORIS) -> list[dict[str, Any]]:
    """The `limit` ORIs that sent most queries, most first (ties by ORI): `[{"ori": str,
    "agency_id": int | None, "agency": name | None, "kind": str, "queries": n, "image": n,
    "blocked": n}]`, attributed from the directory as it stands."""
    rows = rollups.grouped(journal_filter, ["ori"], direction=Direction.IN)
    rows.sort(key=lambda row: (-row["messages"], row["ori"]))
    directory = ori_directory()
    result = []
    for row in rows[:limit]:
        agency = directory.attribute(row["ori"])
        result.append(
            {
                "ori": row["ori"],
                "agency_id": agency.agency_id,
                "agency": agency.name,
                "kind": agency.kind,
                "queries": row["messages"],
                "image": row["image"],
                "blocked": row["blocked"],
            }
        )
    return result


def oris_of_agency(agency_id: int, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """The ORIs an agency's queries came from over the period, most first: `[{"ori": str,
    "queries": n, "image": n, "name_only": n, "partial_plate": n, "blocked": n, "first_day":
    date, "last_day": date}]` (for the agency's page)."""
    journal_filter = JournalFilter(date_from, date_to, agency_id=agency_id)
    return _ori_rows(journal_filter)


def unknown_oris(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """ORIs of no directory agency that sent queries over the period, most first, for
    administrators to attribute: `[{"ori": str, "queries": n, "image": n, "name_only": n,
    "partial_plate": n, "blocked": n, "first_day": date, "last_day": date}]`. An agency or a
    kind other than `unknown` in the filter gives an empty list."""
    if journal_filter.agency_id is not None or journal_filter.agency_kind not in (
        "",
        UNKNOWN_KIND,
    ):
        return []
    return _ori_rows(JournalFilter(journal_filter.date_from, journal_filter.date_to, UNKNOWN_KIND))


def _ori_rows(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    rows = rollups.grouped(journal_filter, ["ori"], direction=Direction.IN, days=True)
    rows.sort(key=lambda row: (-row["messages"], row["ori"]))
    return [
        {
            "ori": row["ori"],
            "queries": row["messages"],
            "image": row["image"],
            "name_only": row["name_only"],
            "partial_plate": row["partial_plate"],
            "blocked": row["blocked"],
            "first_day": row["first_day"],
            "last_day": row["last_day"],
        }
        for row in rows
    ]


# -- Bursts -----------------------------------------------------------------------------------


def bursts(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """The bursts starting in the period, oldest first: `[{"ori": str, "agency_id": int |
    None, "agency": name | None, "kind": str, "start": datetime, "end": datetime (its last
    query), "queries": n}]`, attributed from the directory as it stands and filtered by the
    filter's kind and agency."""
    start, end = journal_filter.bounds()
    directory = ori_directory()
    found = []
    for burst in Burst.objects.filter(start__gte=start, start__lt=end).order_by("start", "ori"):
        agency = directory.attribute(burst.ori)
        if journal_filter.agency_kind and agency.kind != journal_filter.agency_kind:
            continue
        if journal_filter.agency_id is not None and agency.agency_id != journal_filter.agency_id:
            continue
        found.append(
            {
                "ori": burst.ori,
                "agency_id": agency.agency_id,
                "agency": agency.name,
                "kind": agency.kind,
                "start": burst.start,
                "end": burst.end,
                "queries": burst.queries,
            }
        )
    return found


# -- The entries behind a figure (personal data: the page records the read) ----------------------


def entries(journal_filter: JournalFilter, flag: str = "queries") -> QuerySet[JournalEntry]:
    """The messages behind a figure of `totals` (`flag` one of ENTRY_FLAGS: `queries`,
    `responses`, `immigration`, `image`, `immigration_image`, `unknown_image`, `name_only`,
    `partial_plate`, `blocked`, `block_leaks`), newest first. They hold personal data (names,
    dates of birth, plates): a page showing them records the read in the audit log. Raises
    ValueError for another flag."""
    if flag not in ENTRY_FLAGS:
        raise ValueError(f"no figure {flag!r}; one of {', '.join(ENTRY_FLAGS)}")
    start, end = journal_filter.bounds()
    rows = JournalEntry.objects.filter(timestamp__gte=start, timestamp__lt=end)
    if journal_filter.agency_kind:
        rows = rows.filter(agency_kind=journal_filter.agency_kind)
    if journal_filter.agency_id is not None:
        rows = rows.filter(agency_id=journal_filter.agency_id)
    direction = Direction.OUT if flag in ("responses", "block_leaks") else Direction.IN
    rows = rows.filter(direction=direction).filter(_ENTRY_CONDITIONS[flag])
    return rows.order_by("-timestamp", "-id")


_ENTRY_CONDITIONS = {
    "queries": Q(),
    "responses": Q(),
    "immigration": Q(agency_kind=AgencyKind.IMMIGRATION),
    "image": Q(image=True),
    "immigration_image": Q(agency_kind=AgencyKind.IMMIGRATION, image=True),
    "unknown_image": Q(agency_kind=UNKNOWN_KIND, image=True),
    "name_only": Q(name_only=True),
    "partial_plate": Q(partial_plate=True),
    "blocked": Q(blocked=True),
    "block_leaks": Q(block_leak=True),
}


def block_leaks(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """The block leaks of the period, newest first: responses that carried data to an ORI
    blocked at the time. `[{"id": response id, "timestamp": datetime, "ori": the blocked
    destination, "agency_id", "agency": name | None, "kind", "message_key": the response's key,
    "query_id": int | None, "query_key": str | None, "image": bool (the query asked for the
    photo), "at_switch": bool (after the block was handed over to the switch:
    agencies.blocklist.SwitchLists)}]`. No personal data (no text): the entries themselves come
    from `entries(filter, "block_leaks")` and `entry_with_query`."""
    leaks = list(
        entries(journal_filter, "block_leaks").values(
            "id", "timestamp", "destination", "agency_id", "agency_kind", "message_key", "query_id"
        )
    )
    queries: dict[int, dict[str, Any]] = {
        row["id"]: dict(row)
        for row in JournalEntry.objects.filter(
            pk__in=[leak["query_id"] for leak in leaks if leak["query_id"]]
        ).values("id", "message_key", "image")
    }
    directory, lists = ori_directory(), switch_lists()
    result = []
    for leak in leaks:
        query: dict[str, Any] = queries.get(leak["query_id"] or 0) or {}
        result.append(
            {
                "id": leak["id"],
                "timestamp": leak["timestamp"],
                "ori": leak["destination"],
                "agency_id": leak["agency_id"],
                "agency": directory.attribute(leak["destination"]).name,
                "kind": leak["agency_kind"],
                "message_key": leak["message_key"],
                "query_id": leak["query_id"],
                "query_key": query.get("message_key"),
                "image": bool(query.get("image")),
                "at_switch": lists.at_switch(leak["destination"], leak["timestamp"]),
            }
        )
    return result


def block_leaks_by_ori(journal_filter: JournalFilter) -> list[dict[str, Any]]:
    """The period's block leaks by blocked ORI, most first (ties by ORI): `[{"ori": str,
    "leaks": n, "after": n (after the block was handed over to the switch: it did not hold),
    "before": n (before: it had not yet reached the switch), "last": datetime (the latest),
    "agency_id": int | None, "agency": name | None}]`, counted in the journal through its
    partial index of leaks (no text), in one query whatever their number: grouped by ORI and
    by the version the switch held (agencies.blocklist.SwitchLists), one group per hand-over
    within the period."""
    start, end = journal_filter.bounds()
    lists = switch_lists()
    changes = lists.hand_overs_within(start, end)
    rows = entries(journal_filter, "block_leaks").order_by()
    if changes:
        rows = rows.annotate(era=_era(changes))
    grouped = rows.values("destination", *(["era"] if changes else [])).annotate(
        leaks=Count("id"), last=Max("timestamp"), agency=Max("agency_id")
    )
    directory = ori_directory()
    found: dict[str, dict[str, Any]] = {}
    for row in grouped:
        ori, era = row["destination"], row.get("era", 0)
        held_since = changes[era - 1] if era else start  # the era's first moment
        side = "after" if lists.at_switch(ori, held_since) else "before"
        counted = found.setdefault(ori, _leak_row(ori, directory))
        counted["leaks"] += row["leaks"]
        counted[side] += row["leaks"]
        counted["last"] = max(filter(None, (counted["last"], row["last"])))
        counted["agency_id"] = counted["agency_id"] or row["agency"]
    return sorted(found.values(), key=lambda row: (-row["leaks"], row["ori"]))


def _era(changes: list[datetime]) -> Case:
    """Which version the switch held at a message's time, as a number: 0 before the first of
    `changes` (hand-over times, oldest first), k from the k-th on."""
    return Case(
        *(When(timestamp__lt=moment, then=Value(era)) for era, moment in enumerate(changes)),
        default=Value(len(changes)),
        output_field=IntegerField(),
    )


def _leak_row(ori: str, directory: OriDirectory) -> dict[str, Any]:
    return {
        "ori": ori,
        "leaks": 0,
        "after": 0,
        "before": 0,
        "last": None,
        "agency_id": None,
        "agency": directory.attribute(ori).name,
    }


def entry_with_query(entry_id: int) -> tuple[JournalEntry, JournalEntry | None] | None:
    """A message and, for a matched response, its query (for a response: the query; for a
    query: None); None when no such message. Personal data: the page records the read."""
    message = JournalEntry.objects.filter(pk=entry_id).first()
    if message is None:
        return None
    query = None
    if message.query_id is not None:
        query = JournalEntry.objects.filter(pk=message.query_id).first()
    return message, query


def responses_to(query_id: int) -> QuerySet[JournalEntry]:
    """The responses matched to a query, oldest first."""
    return JournalEntry.objects.filter(query_id=query_id).order_by("timestamp", "id")


# -- The command's figures -------------------------------------------------------------------------


def journal_stats(date_from: date, date_to: date) -> dict[str, Any]:
    """The journal's figures over messages whose timestamp falls on `date_from`..`date_to`
    (inclusive, in TIME_ZONE): the object `switch_log_stats --json` prints, its fields in the
    contract's order."""
    journal_filter = JournalFilter(date_from, date_to)
    rows = rollups.grouped(journal_filter, ["direction", "message_key", "agency_kind", "ori"])
    figures = _zero_figures()
    by_key: dict[str, int] = {}
    by_kind = dict.fromkeys(KINDS, 0)
    by_ori: dict[str, int] = {}
    for row in rows:
        _add(figures, row)
        if row["direction"] != Direction.IN:
            continue
        by_key[row["message_key"]] = by_key.get(row["message_key"], 0) + row["messages"]
        by_kind[row["agency_kind"]] = by_kind.get(row["agency_kind"], 0) + row["messages"]
        by_ori[row["ori"]] = by_ori.get(row["ori"], 0) + row["messages"]
    directory = ori_directory()
    top = sorted(by_ori.items(), key=lambda item: (-item[1], item[0]))[:TOP_ORIS]
    return {
        "queries": figures["queries"],
        "responses": figures["responses"],
        "by_message_key": dict(sorted(by_key.items())),
        "by_agency_kind": by_kind,
        "immigration": figures["immigration"],
        "image": figures["image"],
        "name_only": figures["name_only"],
        "partial_plate": figures["partial_plate"],
        "blocked": figures["blocked"],
        "immigration_image": figures["immigration_image"],
        "block_leaks": figures["block_leaks"],
        "bursts": [
            {
                "ori": b["ori"],
                "start": timezone.localtime(b["start"]).isoformat(),
                "queries": b["queries"],
            }
            for b in bursts(journal_filter)
        ],
        "by_ori": [
            {
                "ori": ori,
                "agency": directory.attribute(ori).name,
                "kind": directory.attribute(ori).kind,
                "queries": count,
            }
            for ori, count in top
        ],
    }


def _months(journal_filter: JournalFilter) -> Iterable[date]:
    return months_between(journal_filter.date_from, journal_filter.date_to)
