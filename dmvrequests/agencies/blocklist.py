"""The ORI block list as the switch administrator needs it, and the versions handed over.

The list (docs/network-queries.md, "The block list"): every ORI and ORI pattern of a blocked
agency, with the block's reason and the time it took effect, and every ORI blocked on its own
(not lifted), one row each, sorted by ORI. Exported as CSV (`ori,reason,effective`) or plain text
(one `ORI<TAB>effective<TAB>reason` line each). A block is "not yet at the switch" while no
version handed over holds its ORI. `blocklist_states` gives each block with its agency and that
state: the block list page shows them all, an agency's pages the agency's own. A blocked agency
with no ORI on file has nothing on the list (`blocked_without_ori`: the page says so; the
exports leave it out). `SwitchLists` says whether a block leak came after the block was handed
over to the switch (it did not hold) or before (it had not yet reached the switch).
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone

from dmvrequests.agencies.directory import OriDirectory
from dmvrequests.agencies.models import Agency, BlocklistVersion, OriBlock
from dmvrequests.timewords import moment_words

if TYPE_CHECKING:
    from accounts.models import User

CSV_HEADER = ["ori", "reason", "effective"]
# A block's state at the switch, in the words every page says it (BlockState.words).
AT_SWITCH = "Handed over to the switch"
NOT_AT_SWITCH = "Not yet handed over to the switch"
# When a block leak came, in the words every page and alert says it (leak_timing).
LEAK_AFTER = "after the block was handed over to the switch"
LEAK_AFTER_MEANS = "the block at the switch did not hold"
LEAK_BEFORE = "before the block was handed over to the switch"
LEAK_BEFORE_MEANS = "the block had not yet reached the switch"


@dataclass(frozen=True)
class BlockRow:
    ori: str
    reason: str
    effective: datetime | None  # None: a block older than the record of it

    @property
    def effective_text(self) -> str:
        """The date it took effect in the state's time zone (YYYY-MM-DD), empty if unknown:
        the exports' column (a fixed format, docs/network-queries.md)."""
        return timezone.localtime(self.effective).date().isoformat() if self.effective else ""

    @property
    def effective_words(self) -> str:
        """The date and time it took effect, as the pages show it (`moment_words`); empty if
        unknown."""
        return moment_words(self.effective) if self.effective else ""


def blocklist_rows(
    now: datetime | None = None,
    *,
    agencies: Iterable[Agency] | None = None,
    blocks: Iterable[OriBlock] | None = None,
) -> list[BlockRow]:
    """The block list in force at `now` (default: now), sorted by ORI. `agencies` and `blocks`:
    the directory's agencies and ORI blocks when already read (the blocked ones and those not
    lifted by `now` are taken here); read otherwise."""
    now = now or timezone.now()
    if agencies is None:
        agencies = Agency.objects.filter(blocked=True)
    if blocks is None:
        blocks = OriBlock.objects.all()
    rows: dict[str, BlockRow] = {}
    for agency in sorted((a for a in agencies if a.blocked), key=lambda a: a.pk):
        for ori in agency.ori_list:
            rows.setdefault(ori, BlockRow(ori, agency.blocked_reason, agency.blocked_since))
    in_force = (b for b in blocks if b.lifted_at is None or now < b.lifted_at)
    for block in sorted(in_force, key=lambda b: (b.effective_at, b.pk)):
        rows.setdefault(block.ori, BlockRow(block.ori, block.reason, block.effective_at))
    return [rows[ori] for ori in sorted(rows)]


def blocklist_csv(rows: list[BlockRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([row.ori, " ".join(row.reason.split()), row.effective_text])
    return out.getvalue()


def blocklist_text(rows: list[BlockRow]) -> str:
    return "".join(
        f"{row.ori}\t{row.effective_text}\t{' '.join(row.reason.split())}\n" for row in rows
    )


def blocklist_hand_over(*, actor: User | None) -> BlocklistVersion:
    """Record the block list as it stands as handed to the switch, by `actor` (None: the
    command line), now."""
    rows = blocklist_rows()
    return BlocklistVersion.objects.create(
        content=blocklist_csv(rows),
        oris=" ".join(row.ori for row in rows),
        handed_over_by=actor,
    )


def not_yet_at_switch(rows: list[BlockRow] | None = None) -> list[BlockRow]:
    """The blocks that no version handed over holds yet (all of them before the first)."""
    rows = blocklist_rows() if rows is None else rows
    latest = BlocklistVersion.objects.first()
    handed = set(latest.oris.split()) if latest else set()
    return [row for row in rows if row.ori not in handed]


@dataclass(frozen=True)
class BlockState:
    """A block of the list in force, the agency it belongs to (None: no agency of the
    directory) and whether it is not yet at the switch (`not_yet_at_switch`)."""

    row: BlockRow
    agency: Agency | None
    waiting: bool

    @property
    def words(self) -> str:
        return NOT_AT_SWITCH if self.waiting else AT_SWITCH


def blocklist_states() -> list[BlockState]:
    """The block list in force, sorted by ORI, each block with its agency and its state at the
    switch: what the block list page shows, and an agency's pages show of the agency's own
    blocks, in the same words. The agency of a pattern is the agency listing it; of an ORI,
    its agency as the figures attribute it (listed, or taken by a pattern: DCICE0990 blocked on
    its own is still ICE's). Three queries: the agencies, the ORI blocks, the latest version."""
    agencies = list(Agency.objects.all())
    blocks = list(OriBlock.objects.all())
    rows = blocklist_rows(agencies=agencies, blocks=blocks)
    waiting = {row.ori for row in not_yet_at_switch(rows)}
    by_pk: dict[int | None, Agency] = {agency.pk: agency for agency in agencies}
    listed = {value: agency for agency in agencies for value in agency.ori_list}
    directory = OriDirectory(agencies, blocks)

    def holder(ori: str) -> Agency | None:
        if ori.endswith("*"):
            return listed.get(ori)
        return by_pk.get(directory.attribute(ori).agency_id)

    return [BlockState(row, holder(row.ori), row.ori in waiting) for row in rows]


def blocked_without_ori(agencies: Iterable[Agency] | None = None) -> list[Agency]:
    """The blocked agencies with no ORI or pattern on file, by name. The switch blocks by ORI,
    so nothing of theirs is on the block list: the block list page names them and says to add
    their ORIs; the exports (a fixed format) leave them out, as `blocklist_rows` does.
    `agencies`: the directory's agencies when already read; the blocked ones read otherwise."""
    if agencies is None:
        agencies = Agency.objects.filter(blocked=True)
    found = (agency for agency in agencies if agency.blocked and not agency.ori_list)
    return sorted(found, key=lambda agency: (agency.name.casefold(), agency.pk))


@dataclass(frozen=True)
class HeldList:
    """A version handed over as the switch holds it: when, its ORIs, and the prefixes of its
    patterns (the switch matches `DCICE*` by prefix)."""

    handed_over_at: datetime
    oris: frozenset[str]
    prefixes: tuple[str, ...]

    def holds(self, ori: str) -> bool:
        """True when the version lists `ori` (upper case) or a pattern it starts with."""
        return ori in self.oris or ori.startswith(self.prefixes)


class SwitchLists:
    """The versions handed over to the switch, oldest first, answering which one the switch
    held at a time: the latest handed over at or before it.

    A block leak (a response carrying data to an ORI blocked at the time) came *after* its
    block was handed over (LEAK_AFTER: the block at the switch did not hold) when the version
    the switch held at the leak's time lists the ORI or a pattern it starts with; *before*
    (LEAK_BEFORE: the block had not yet reached the switch) otherwise: no version handed over
    yet, or that version does not hold the ORI (handed over before the block was added, or
    leaving it out). The version held rather than the first holding the ORI since the block
    took effect: a block lifted and set again with no hand-over between stayed at the switch,
    and one a later version left out did not. A pattern counts for every ORI it starts with,
    as the switch matches it (`DCICE*` held: a leak to DCICE0990 came after).
    docs/network-queries.md, "The block list". Build it with `switch_lists()`."""

    def __init__(self, versions: Iterable[tuple[datetime, str]]) -> None:
        held = [
            HeldList(
                when,
                frozenset(value for value in oris.split() if not value.endswith("*")),
                tuple(value[:-1] for value in oris.split() if value.endswith("*")),
            )
            for when, oris in versions
        ]
        self._held = sorted(held, key=lambda version: version.handed_over_at)  # stable
        self._times = [version.handed_over_at for version in self._held]

    def held_at(self, when: datetime) -> HeldList | None:
        """The version the switch held at `when` (aware), or None before the first."""
        index = bisect_right(self._times, when)
        return self._held[index - 1] if index else None

    def at_switch(self, ori: str, when: datetime) -> bool:
        """True when the switch held a block of `ori` at `when`: a leak then is LEAK_AFTER."""
        held = self.held_at(when)
        return held is not None and held.holds(ori.upper())

    def hand_overs_within(self, start: datetime, end: datetime) -> list[datetime]:
        """The distinct times of the hand-overs strictly between `start` and `end`, oldest
        first: where the version the switch held changed within a period."""
        return sorted({moment for moment in self._times if start < moment < end})


def switch_lists() -> SwitchLists:
    """The versions handed over as they stand (one query: their times and ORIs)."""
    return SwitchLists(
        BlocklistVersion.objects.order_by("handed_over_at", "id").values_list(
            "handed_over_at", "oris"
        )
    )


def leak_timing(after: int, before: int) -> str:
    """When block leaks came, in words (lower case, for a sentence or a cell): `after` leaks
    after their block was handed over to the switch, `before` before. "after the block was
    handed over to the switch: the block at the switch did not hold", the same "before ...:
    the block had not yet reached the switch", or both counted: "2 after the block was handed
    over to the switch (the block at the switch did not hold), 1 before (the block had not yet
    reached the switch)". "" for none."""
    if after and before:
        return (
            f"{intcomma(after)} {LEAK_AFTER} ({LEAK_AFTER_MEANS}), "
            f"{intcomma(before)} before ({LEAK_BEFORE_MEANS})"
        )
    if after:
        return f"{LEAK_AFTER}: {LEAK_AFTER_MEANS}"
    return f"{LEAK_BEFORE}: {LEAK_BEFORE_MEANS}" if before else ""
