"""The transparency report's network-query section (docs/reports.md, docs/network-queries.md):
the automated Nlets queries the state's switch answered in the period, from the switch's
journal, with the same small-count suppression as the rest of the report (suppression.py).

Queries by kind of agency form one table whose total is published, so its cells are suppressed
together (complementary suppression, as the report's other tables). Immigration agencies'
queries are that table's row. Photo requests, immigration agencies' photo requests and block
leaks (responses that carried DMV data to a blocked ORI) are single counts: a count from 1 to
threshold - 1 is published as "fewer than N".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dmvrequests.reports import suppression
from dmvrequests.switchjournal.figures import kind_label
from dmvrequests.switchjournal.models import UNKNOWN_KIND
from dmvrequests.switchjournal.selectors import journal_stats
from dmvrequests.vocabulary import AgencyKind

if TYPE_CHECKING:
    from dmvrequests.reports.transparency import Period

TABLE = "network_by_agency_kind"
LINES = "network_queries"


@dataclass(frozen=True)
class NetworkSection:
    """What the report publishes: `by_kind` (key, label, shown) rows and their `total`, then
    `lines` (key, label, shown). `empty` when the journal holds nothing for the period."""

    by_kind: list[tuple[str, str, str]]
    total: str
    lines: list[tuple[str, str, str]]
    empty: bool


def _shown(cell: suppression.Cell, threshold: int) -> str:
    if cell.mark == suppression.SMALL:
        return f"fewer than {threshold}"
    if cell.mark == suppression.WITHHELD:
        return "withheld"
    return str(cell.value)


def _single(value: int, threshold: int) -> str:
    return f"fewer than {threshold}" if 1 <= value < threshold else str(value)


def network_section(period: Period, threshold: int) -> NetworkSection:
    """The section for `period` (its days in the state's time zone)."""
    stats = journal_stats(period.start, period.end)
    kinds = [*AgencyKind.values, UNKNOWN_KIND]
    counts = [stats["by_agency_kind"].get(kind, 0) for kind in kinds]
    rows = [{"requests": n, "subjects": 0, "produced": 0} for n in counts]
    total = {"requests": stats["queries"], "subjects": 0, "produced": 0}
    grid, total_cells = suppression.suppress(rows, total, threshold)
    by_kind = [
        (kind, kind_label(kind), _shown(cells["requests"], threshold))
        for kind, cells in zip(kinds, grid, strict=True)
    ]
    immigration = by_kind[kinds.index(AgencyKind.IMMIGRATION)][2]
    lines = [
        ("immigration", "Queries from immigration agencies", immigration),
        ("image", "Photo requests", _single(stats["image"], threshold)),
        (
            "immigration_image",
            "Photo requests from immigration agencies",
            _single(stats["immigration_image"], threshold),
        ),
        ("block_leaks", "Block leaks", _single(stats["block_leaks"], threshold)),
    ]
    empty = not stats["queries"] and not stats["responses"]
    return NetworkSection(by_kind, _shown(total_cells["requests"], threshold), lines, empty)


def network_csv_rows(section: NetworkSection):
    """The section's rows in the transparency CSV's columns (the count in "requests"); none
    when the journal holds nothing for the period (zeros there would claim no query was made,
    when none was imported)."""
    if section.empty:
        return
    for key, label, shown in [*section.by_kind, ("total", "Total", section.total)]:
        yield [TABLE, key, label, shown, "", "", ""]
    for key, label, shown in section.lines:
        yield [LINES, key, label, shown, "", "", ""]
