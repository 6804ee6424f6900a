"""The ORI block list as the switch administrator needs it, and the versions handed over.

The list (docs/network-queries.md, "The block list"): every ORI and ORI pattern of a blocked
agency, with the block's reason and the time it took effect, and every ORI blocked on its own
(not lifted), one row each, sorted by ORI. Exported as CSV (`ori,reason,effective`) or plain text
(one `ORI<TAB>effective<TAB>reason` line each). A block is "not yet at the switch" while no
version handed over holds its ORI. `blocklist_states` gives each block with its agency and that
state: the block list page shows them all, an agency's pages the agency's own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from dmvrequests.agencies.directory import OriDirectory
from dmvrequests.agencies.models import Agency, BlocklistVersion, OriBlock

if TYPE_CHECKING:
    from accounts.models import User

CSV_HEADER = ["ori", "reason", "effective"]
# A block's state at the switch, in the words every page says it (BlockState.words).
AT_SWITCH = "Handed over to the switch"
NOT_AT_SWITCH = "Not yet handed over to the switch"


@dataclass(frozen=True)
class BlockRow:
    ori: str
    reason: str
    effective: datetime | None  # None: a block older than the record of it

    @property
    def effective_text(self) -> str:
        """The date it took effect in the state's time zone (YYYY-MM-DD), empty if unknown."""
        return timezone.localtime(self.effective).date().isoformat() if self.effective else ""


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
