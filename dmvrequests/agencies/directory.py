"""Reading the directory by ORI: which agency an ORI belongs to and when it was blocked.

Attribution (docs/network-queries.md, "Which agency"): an ORI listed on an agency first, then
the agency holding the longest ORI pattern (a prefix ending in `*`, e.g. `DCICE*`) that the
ORI starts with; otherwise the ORI is unknown. Blocks: the block of the agency an ORI is
attributed to (from its `blocked_since`, or always when that is not recorded) and every block of
the ORI on its own (`OriBlock`, exact or by pattern) from `effective_at` until `lifted_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from dmvrequests.agencies.models import Agency, OriBlock

UNKNOWN = "unknown"
# A block with no recorded start holds since always.
SINCE_ALWAYS = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Attribution:
    """The agency an ORI belongs to: its id, name and kind (`unknown`, None and None when
    the ORI matches no agency)."""

    agency_id: int | None
    name: str | None
    kind: str


NOBODY = Attribution(agency_id=None, name=None, kind=UNKNOWN)

# (start, end): the block holds at t when start <= t and (end is None or t < end).
Interval = tuple[datetime, datetime | None]


class OriDirectory:
    """The directory loaded once (a few thousand agencies at most), answering by ORI from
    memory; answers are cached per ORI. Build it with `ori_directory()`."""

    def __init__(self, agencies: list[Agency], blocks: list[OriBlock]) -> None:
        self._exact: dict[str, Agency] = {}
        patterns: dict[str, Agency] = {}
        for agency in sorted(agencies, key=lambda a: a.pk):
            for value in agency.ori_list:
                if value.endswith("*"):
                    patterns.setdefault(value[:-1], agency)
                else:
                    self._exact.setdefault(value, agency)
        self._patterns = sorted(patterns.items(), key=lambda item: -len(item[0]))
        self._blocks = [(b.ori, b.effective_at, b.lifted_at) for b in blocks]
        self._attributions: dict[str, Attribution] = {}
        self._intervals: dict[str, list[Interval]] = {}

    def _agency(self, ori: str) -> Agency | None:
        agency = self._exact.get(ori)
        if agency is not None:
            return agency
        for prefix, holder in self._patterns:
            if ori.startswith(prefix):
                return holder
        return None

    def attribute(self, ori: str) -> Attribution:
        """The agency of `ori` (9 letters or digits, any case), or NOBODY."""
        ori = ori.upper()
        found = self._attributions.get(ori)
        if found is None:
            agency = self._agency(ori)
            found = (
                NOBODY
                if agency is None
                else Attribution(agency_id=agency.pk, name=agency.name, kind=agency.kind)
            )
            self._attributions[ori] = found
        return found

    def block_intervals(self, ori: str) -> list[Interval]:
        """The periods during which `ori` was blocked (agency block and ORI blocks)."""
        ori = ori.upper()
        found = self._intervals.get(ori)
        if found is None:
            found = []
            agency = self._agency(ori)
            if agency is not None and agency.blocked:
                found.append((agency.blocked_since or SINCE_ALWAYS, None))
            for value, start, end in self._blocks:
                if value == ori or (value.endswith("*") and ori.startswith(value[:-1])):
                    found.append((start, end))
            self._intervals[ori] = found
        return found

    def is_blocked(self, ori: str, when: datetime) -> bool:
        """True when `ori` was on the block list at `when` (an aware datetime)."""
        return any(
            start <= when and (end is None or when < end)
            for start, end in self.block_intervals(ori)
        )


def ori_directory() -> OriDirectory:
    """The directory as it stands, for attributing ORIs."""
    return OriDirectory(list(Agency.objects.all()), list(OriBlock.objects.all()))
