"""The figures of the Network queries section (docs/network-queries.md, "The Network queries
section"): each a titled list of rows (a label, a count, a detail), read from the journal under
the same filters, drawn as a bar chart with its table, exported as CSV, and leading to the
entries behind it.

Filters: a period of days in the state's time zone (TIME_ZONE, both days included), an agency
kind (or `unknown`) and an agency. A query is filtered by its sender's agency; a response (a
block leak) by the agency of its destination, the ORI it answered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Exists, Max, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from dmvrequests.agencies.blocklist import leak_timing
from dmvrequests.switchjournal import rollups, selectors
from dmvrequests.switchjournal.models import UNKNOWN_KIND, Burst, Direction, JournalEntry
from dmvrequests.timewords import moment_words
from dmvrequests.vocabulary import AgencyKind

DAY = "M j, Y"  # a day as every page of the product writes it ("Sep 4, 2026", not "Sept. 4")

if TYPE_CHECKING:
    from dmvrequests.agencies.models import Agency

CHART_ROWS = 36  # a chart draws at most this many bars; its table holds every row
LISTED = 200  # rows of a figure by ORI or of the bursts: the largest (or latest) this many
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, BAR_SPACE = 20, 8, 260, 300


def kind_label(kind: str) -> str:
    if kind == UNKNOWN_KIND:
        return "Unknown ORI (no agency)"
    return AgencyKind(kind).label if kind in AgencyKind.values else kind.replace("_", " ")


@dataclass(frozen=True)
class Filters:
    """What the figures and their entries are read over."""

    date_from: date
    date_to: date
    agency_kind: str = ""
    agency: Agency | None = None

    def journal_filter(self) -> selectors.JournalFilter:
        """The filters as the selectors take them."""
        agency_id = self.agency.pk if self.agency is not None else None
        return selectors.JournalFilter(self.date_from, self.date_to, self.agency_kind, agency_id)

    def as_query(self) -> dict[str, str]:
        """The filters as the query string of the section's addresses."""
        query = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        if self.agency_kind:
            query["agency_kind"] = self.agency_kind
        if self.agency is not None:
            query["agency"] = str(self.agency.pk)
        return query

    def as_detail(self) -> dict[str, Any]:
        """The filters as the audit record's detail names them."""
        detail: dict[str, Any] = {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
        }
        if self.agency_kind:
            detail["agency_kind"] = self.agency_kind
        if self.agency is not None:
            detail["agency"] = self.agency.name
        return detail

    def describe(self) -> str:
        """The filters in words: "Mar 1, 2026 to May 29, 2026; Immigration enforcement"."""
        words = [f"{date_format(self.date_from, DAY)} to {date_format(self.date_to, DAY)}"]
        if self.agency_kind:
            words.append(kind_label(self.agency_kind))
        if self.agency is not None:
            words.append(self.agency.name)
        return "; ".join(words)


@dataclass(frozen=True)
class Row:
    label: str
    value: int
    detail: str = ""
    entries: dict[str, str] = field(default_factory=dict)  # the row's entries: extra query
    agency_id: int | None = None  # the agency the row's ORI belongs to: its page is linked
    note: str = ""  # a second detail, under the figure's `note_heading`


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass
class Figure:
    """One figure of the section: its rows, and the words around them."""

    slug: str
    title: str
    heading: str  # the first column's heading
    unit: str  # what the counts count
    rows: list[Row]
    summary: str = ""
    detail_heading: str = ""
    entries_label: str = ""
    note_heading: str = ""  # a column of the rows' notes when given
    counts: dict[str, int] = field(default_factory=dict)  # named parts of the total
    alert: str = ""  # what the red alert above the figures says of it (block leaks)

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)

    @property
    def bars(self) -> list[Bar]:
        """The chart's bars (the first CHART_ROWS rows), widths scaled to the largest."""
        shown = self.rows[:CHART_ROWS]
        largest = max((row.value for row in shown), default=0) or 1
        step = BAR_HEIGHT + BAR_GAP
        return [
            Bar(row.label, row.value, i * step, max(1, round(row.value * BAR_SPACE / largest)))
            for i, row in enumerate(shown)
        ]

    @property
    def chart_height(self) -> int:
        return max(1, len(self.rows[:CHART_ROWS])) * (BAR_HEIGHT + BAR_GAP)


@dataclass(frozen=True)
class FigureSpec:
    slug: str
    title: str
    entries_label: str
    build: Callable[[Filters], Figure]
    entries: Callable[[Filters], QuerySet[JournalEntry]]


def _local(moment: datetime | None) -> str:
    """A time in the state's time zone, with the zone (timewords.moment_words), "" for none."""
    return moment_words(moment) if moment else ""


def _ori_label(ori: str, name: str | None) -> str:
    return f"{ori} ({name or 'Unknown ORI'})"


def _plural(count: int, word: str, many: str = "") -> str:
    return f"{intcomma(count)} {word if count == 1 else many or word + 's'}"


def _leaks(filters: Filters) -> QuerySet[JournalEntry]:
    return selectors.entries(filters.journal_filter(), "block_leaks")


def build_leaks(filters: Filters) -> Figure:
    """The block leaks by ORI, each said to have come after its block was handed over to the
    switch (it did not hold) or before (it had not yet reached the switch): selectors'
    `block_leaks_by_ori`, agencies.blocklist's words. `counts`: {"after": n, "before": n}."""
    ranked = selectors.block_leaks_by_ori(filters.journal_filter())[:LISTED]
    rows = [
        Row(
            _ori_label(r["ori"], r["agency"]),
            r["leaks"],
            _local(r["last"]),
            {"ori": r["ori"]},
            r["agency_id"],
            capfirst(leak_timing(r["after"], r["before"])),
        )
        for r in ranked
    ]
    after, before = sum(r["after"] for r in ranked), sum(r["before"] for r in ranked)
    return Figure(
        "leaks",
        "Block leaks",
        "ORI (agency)",
        "Responses",
        rows,
        _leaks_summary(after, before),
        "Latest",
        note_heading="Before or after the hand-over",
        counts={"after": after, "before": before},
        alert=_leaks_alert(after, before),
    )


def _leaks_summary(after: int, before: int) -> str:
    """What the period's leaks mean and what to do, by when they came (docs/network-queries.md,
    "Acting on a block leak")."""
    if not after + before:
        return "No response carried DMV data to a blocked ORI in this period: the blocks held."
    steps = []
    if after:
        steps.append(
            f"{'For those after: g' if before else 'G'}ive the switch's administrator their "
            "entries and the block list, and ask for the fix in writing."
        )
    if before:
        steps.append(
            f"{'For those before: t' if after else 'T'}he switch could not refuse them; check "
            "on the block list page that the block has since been handed over."
        )
    return (
        f"{_plural(after + before, 'response')} carried DMV data to a blocked ORI"
        f"{_then(after, before)}. {' '.join(steps)}"
    )


def _leaks_alert(after: int, before: int) -> str:
    """The red alert's sentence: how often the switch answered a blocked ORI, and when."""
    if not after + before:
        return ""
    times = _plural(after + before, "time")
    return (
        f"The switch answered {times} with DMV data to an ORI on the block list"
        f"{_then(after, before)}."
    )


def _then(after: int, before: int) -> str:
    """When the leaks came, to follow a sentence: ": 2 after ..., 1 before ..." (counted
    after a colon) or " after the block was handed over ...: ..." (all alike)."""
    return (": " if after and before else " ") + leak_timing(after, before)


def _queries(filters: Filters) -> QuerySet[JournalEntry]:
    return selectors.entries(filters.journal_filter(), "queries")


def build_months(filters: Filters) -> Figure:
    rows = []
    for month in selectors.monthly(filters.journal_filter()):
        first: date = month["month"]
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        start = max(first, filters.date_from)
        end = min(date.fromordinal(following.toordinal() - 1), filters.date_to)
        share = month["immigration_share"]
        rows.append(
            Row(
                date_format(first, "F Y"),
                month["queries"],
                intcomma(month["immigration"]) + (f" ({share * 100:.1f} %)" if share else ""),
                {"date_from": start.isoformat(), "date_to": end.isoformat()},
            )
        )
    return Figure(
        "months",
        "Queries by month",
        "Month",
        "Queries",
        rows,
        f"{_plural(sum(r.value for r in rows), 'query', 'queries')} in the period.",
        "From immigration agencies",
    )


def _by_kind(filters: Filters, flag: str) -> list[Row]:
    counted = rollups.grouped(filters.journal_filter(), ["agency_kind"], direction=Direction.IN)
    values = sorted(
        ((row[flag], row["agency_kind"]) for row in counted if row[flag]),
        key=lambda pair: (-pair[0], pair[1]),
    )
    return [Row(kind_label(kind), n, entries={"agency_kind": kind}) for n, kind in values]


def build_kinds(filters: Filters) -> Figure:
    rows = _by_kind(filters, "messages")
    return Figure("kinds", "Queries by agency kind", "Agency kind", "Queries", rows)


def _immigration_queries(filters: Filters) -> QuerySet[JournalEntry]:
    return selectors.entries(filters.journal_filter(), "immigration")


def build_immigration(filters: Filters) -> Figure:
    scoped = filters.journal_filter()
    if filters.agency_kind not in ("", AgencyKind.IMMIGRATION):
        top = []
    else:
        scoped = selectors.JournalFilter(
            filters.date_from, filters.date_to, AgencyKind.IMMIGRATION, scoped.agency_id
        )
        top = selectors.top_oris(scoped, limit=LISTED)
    rows = [
        Row(
            _ori_label(r["ori"], r["agency"]),
            r["queries"],
            _plural(r["image"], "photo request"),
            {"ori": r["ori"]},
            r["agency_id"],
        )
        for r in top
    ]
    counts = selectors.totals(filters.journal_filter())
    everything, immigration = counts["queries"], counts["immigration"]
    share = f"{immigration * 100 / everything:.1f} %" if everything else "none"
    summary = (
        f"{intcomma(immigration)} of {intcomma(everything)} queries came from immigration "
        f"agencies ({share})."
    )
    return Figure(
        "immigration",
        "Immigration agencies' queries",
        "ORI (agency)",
        "Queries",
        rows,
        summary,
        "Photo requests",
    )


def _flagged(flag: str) -> Callable[[Filters], QuerySet[JournalEntry]]:
    def entries(filters: Filters) -> QuerySet[JournalEntry]:
        return selectors.entries(filters.journal_filter(), flag)

    return entries


def _by_kind_figure(slug: str, title: str, meaning: str) -> Callable[[Filters], Figure]:
    def build(filters: Filters) -> Figure:
        rows = _by_kind(filters, slug)
        total = sum(r.value for r in rows)
        summary = f"{intcomma(total)} {meaning}."
        return Figure(slug, title, "Agency kind", "Queries", rows, summary)

    return build


def _in_bursts(filters: Filters) -> QuerySet[JournalEntry]:
    inside = Burst.objects.filter(
        ori=OuterRef("sender_ori"), start__lte=OuterRef("timestamp"), end__gte=OuterRef("timestamp")
    )
    return _queries(filters).filter(Exists(inside))


def build_bursts(filters: Filters) -> Figure:
    found = selectors.bursts(filters.journal_filter())[::-1][:LISTED]  # the latest first
    rows = [
        Row(
            _ori_label(b["ori"], b["agency"]),
            b["queries"],
            f"{_local(b['start'])} to {_local(b['end'])}",
            {"ori": b["ori"]},
            b["agency_id"],
        )
        for b in found
    ]
    summary = (
        f"{_plural(len(rows), 'burst')}"
        f"{' (the latest ' + str(LISTED) + ')' if len(rows) == LISTED else ''}: many queries "
        "from one ORI in a few minutes, a list of people or every vehicle at an address."
    )
    return Figure("bursts", "Bursts", "ORI (agency)", "Queries", rows, summary, "From and to")


def _unknown(filters: Filters) -> QuerySet[JournalEntry]:
    return _queries(filters).filter(agency_kind=UNKNOWN_KIND)


def build_unknown(filters: Filters) -> Figure:
    found = selectors.unknown_oris(filters.journal_filter())[:LISTED]
    rows = [
        Row(
            r["ori"],
            r["queries"],
            f"{date_format(r['first_day'], DAY)} to {date_format(r['last_day'], DAY)}",
            {"ori": r["ori"]},
        )
        for r in found
    ]
    summary = (
        f"{_plural(len(rows), 'ORI')} matched no agency of the directory. "
        "Administrators attribute each to its agency on the Unknown ORIs page."
    )
    return Figure("unknown", "Unknown ORIs", "ORI", "Queries", rows, summary, "First and last day")


FIGURES = (
    FigureSpec("leaks", "Block leaks", "Block leaks (responses)", build_leaks, _leaks),
    FigureSpec(
        "blocked",
        "Queries from blocked ORIs",
        "Queries from blocked ORIs",
        _by_kind_figure("blocked", "Queries from blocked ORIs", "queries came from a blocked ORI"),
        _flagged("blocked"),
    ),
    FigureSpec("months", "Queries by month", "Every query", build_months, _queries),
    FigureSpec("kinds", "Queries by agency kind", "Queries", build_kinds, _queries),
    FigureSpec(
        "immigration",
        "Immigration agencies' queries",
        "Immigration agencies' queries",
        build_immigration,
        _immigration_queries,
    ),
    FigureSpec(
        "image",
        "Photo requests",
        "Photo requests",
        _by_kind_figure("image", "Photo requests", "queries asked for the photo"),
        _flagged("image"),
    ),
    FigureSpec(
        "name_only",
        "Name-only queries",
        "Name-only queries",
        _by_kind_figure("name_only", "Name-only queries", "queries gave a name only"),
        _flagged("name_only"),
    ),
    FigureSpec(
        "partial_plate",
        "Partial-plate queries",
        "Partial-plate queries",
        _by_kind_figure("partial_plate", "Partial-plate queries", "queries gave part of a plate"),
        _flagged("partial_plate"),
    ),
    FigureSpec("bursts", "Bursts", "Queries in bursts", build_bursts, _in_bursts),
    FigureSpec("unknown", "Unknown ORIs", "Queries from unknown ORIs", build_unknown, _unknown),
)
BY_SLUG = {spec.slug: spec for spec in FIGURES}


def figures(filters: Filters) -> list[Figure]:
    """Every figure of the section, block leaks first, under `filters`."""
    built = []
    with rollups.reading_once():  # several figures read the same sums
        for spec in FIGURES:
            figure = spec.build(filters)
            figure.entries_label = spec.entries_label
            built.append(figure)
    return built


def figure(slug: str, filters: Filters) -> Figure | None:
    """One figure by its slug, or None for a slug the section has not."""
    spec = BY_SLUG.get(slug)
    if spec is None:
        return None
    found = spec.build(filters)
    found.entries_label = spec.entries_label
    return found


def entries(slug: str, filters: Filters, ori: str = "") -> QuerySet[JournalEntry]:
    """The messages behind figure `slug` (every message of the period for an empty or unknown
    slug), of `ori` when given (sent or received), newest first."""
    spec = BY_SLUG.get(slug)
    if spec is None:
        journal_filter = filters.journal_filter()
        start, end = journal_filter.bounds()
        rows = JournalEntry.objects.filter(timestamp__gte=start, timestamp__lt=end)
        if filters.agency_kind:
            rows = rows.filter(agency_kind=filters.agency_kind)
        if filters.agency is not None:
            rows = rows.filter(agency_id=filters.agency.pk)
    else:
        rows = spec.entries(filters)
    if ori:
        rows = rows.filter(ori_party(ori))
    return rows.order_by("-timestamp", "-id")


def ori_party(ori: str) -> Q:
    """The messages whose party is `ori`: the queries it sent, the responses sent to it (the
    ORI the entries page shows), each direction found through its own partial index
    (models.JournalEntry: the condition names the direction so that PostgreSQL may use it)."""
    return Q(direction=Direction.IN, sender_ori=ori) | Q(direction=Direction.OUT, destination=ori)


# The totals (selectors.totals) that count the entries of a figure: the entries page's count is
# read from the rollup rather than by counting the journal ("" is every message).
ENTRY_TOTALS = {
    "": ("queries", "responses"),
    "leaks": ("block_leaks",),
    "blocked": ("blocked",),
    "months": ("queries",),
    "kinds": ("queries",),
    "immigration": ("immigration",),
    "image": ("image",),
    "name_only": ("name_only",),
    "partial_plate": ("partial_plate",),
}


def entries_count(slug: str, filters: Filters, ori: str = "") -> int | None:
    """How many messages `entries(slug, filters, ori)` gives, read from the rollups (a few
    hundred rows, whatever the journal's size); None when the rollups cannot tell (the
    entries of one ORI, of bursts, of unknown ORIs): count the entries then."""
    keys = ENTRY_TOTALS.get(slug if slug in BY_SLUG else "")
    if ori or keys is None:
        return None
    figures = selectors.totals(filters.journal_filter())
    return sum(figures[key] for key in keys)


def unknown_oris(limit: int = 500) -> list[dict[str, Any]]:
    """The ORIs that sent queries and match no agency, over every day the journal holds,
    most queries first, at most `limit` (selectors.unknown_oris' rows)."""
    bounds = JournalEntry.objects.filter(direction=Direction.IN).aggregate(
        first=Min("timestamp"), last=Max("timestamp")
    )
    if bounds["first"] is None:
        return []
    first = timezone.localtime(bounds["first"]).date()
    last = timezone.localtime(bounds["last"]).date()
    return selectors.unknown_oris(selectors.JournalFilter(first, last))[:limit]


def queries_not_of(value: str, agency_id: int) -> int:
    """How many stored queries from ORI `value` (or pattern, a prefix ending in `*`) are not
    attributed to agency `agency_id`: taken before and after an attribution, the difference
    is the number of queries it moved."""
    rows = JournalEntry.objects.filter(direction=Direction.IN).exclude(agency_id=agency_id)
    if value.endswith("*"):
        return rows.filter(sender_ori__startswith=value[:-1]).count()
    return rows.filter(sender_ori=value).count()


def flag_counts(filters: Filters) -> list[Row]:
    """The queries under `filters` and those with each flag, then the block leaks to them."""
    counts = selectors.totals(filters.journal_filter())
    return [
        Row("Queries", counts["queries"], entries={"figure": "months"}),
        Row("Photo requests", counts["image"], entries={"figure": "image"}),
        Row("Name-only queries", counts["name_only"], entries={"figure": "name_only"}),
        Row("Partial-plate queries", counts["partial_plate"], entries={"figure": "partial_plate"}),
        Row("Queries from blocked ORIs", counts["blocked"], entries={"figure": "blocked"}),
        Row("Block leaks (responses)", counts["block_leaks"], entries={"figure": "leaks"}),
    ]
