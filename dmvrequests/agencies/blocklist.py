"""The ORI block list as the switch administrator needs it, and the versions handed over.

The list (docs/network-queries.md, "The block list"): every ORI and ORI pattern of a blocked
agency, with the block's reason and the time it took effect, and every ORI blocked on its own
(not lifted), one row each, sorted by ORI. Exported as CSV (`ori,reason,effective`) or plain text
(one `ORI<TAB>effective<TAB>reason` line each). A block is "not yet at the switch" while no
version handed over holds its ORI.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from dmvrequests.agencies.models import Agency, BlocklistVersion, OriBlock

if TYPE_CHECKING:
    from accounts.models import User

CSV_HEADER = ["ori", "reason", "effective"]


@dataclass(frozen=True)
class BlockRow:
    ori: str
    reason: str
    effective: datetime | None  # None: a block older than the record of it

    @property
    def effective_text(self) -> str:
        """The date it took effect in the state's time zone (YYYY-MM-DD), empty if unknown."""
        return timezone.localtime(self.effective).date().isoformat() if self.effective else ""


def blocklist_rows(now: datetime | None = None) -> list[BlockRow]:
    """The block list in force at `now` (default: now), sorted by ORI."""
    now = now or timezone.now()
    rows: dict[str, BlockRow] = {}
    for agency in Agency.objects.filter(blocked=True).order_by("pk"):
        for ori in agency.ori_list:
            rows.setdefault(ori, BlockRow(ori, agency.blocked_reason, agency.blocked_since))
    lifted = Q(lifted_at__isnull=False) & Q(lifted_at__lte=now)
    for block in OriBlock.objects.exclude(lifted).order_by("effective_at", "pk"):
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
