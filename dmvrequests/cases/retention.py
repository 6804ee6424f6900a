"""Retention participants: what other apps keep about a case, erased or redacted with it.

Retention and redaction are the oversight app's (`oversight/erasure.py`). What a channel keeps
about a case beyond the case's own rows (an issued letter's text and PDF, in correspondence)
holds the same personal data, and must leave with it; but oversight may not import a channel
(docs/decisions/0006-app-boundaries.md). So a channel registers a `RetentionParticipant` here,
in its `AppConfig.ready()`, and oversight asks every registered participant:

- `holding(cases)`: which of `cases` (a queryset of DisclosureRequest) it still holds personal
  data of, as a queryset of case ids, so that retention finds a case whose own fields were
  cleared before the participant existed;
- `erase(case, order)`: erase what it holds of `case` (retention), leaving a tombstone;
- `redact(case, order)`: replace `order.text` with `order.marker` wherever it keeps it.

Both run inside oversight's transaction, with the case row locked, and within
`audit.protection.history_rewrite()`, the one switch the append-only triggers honour; they
return counts ({"letters": 2}) that oversight writes into its audit record, never the
erased text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User
    from dmvrequests.cases.models import DisclosureRequest

RETENTION = "retention"
REDACTION = "redaction"


@dataclass(frozen=True)
class ErasureOrder:
    """What oversight asks: `kind` RETENTION or REDACTION; `rule` says which rule or why in
    words (kept on the tombstone); `actor` is None for the scheduled retention run. For a
    redaction, `text` is the exact text to remove and `marker` what replaces it."""

    kind: str
    rule: str
    actor: User | None = None
    text: str = ""
    marker: str = ""


class RetentionParticipant(Protocol):
    name: str

    def holding(self, cases: QuerySet[DisclosureRequest]) -> QuerySet[Any]: ...

    def erase(self, case: DisclosureRequest, order: ErasureOrder) -> dict[str, int]: ...

    def redact(self, case: DisclosureRequest, order: ErasureOrder) -> dict[str, int]: ...


_PARTICIPANTS: dict[str, RetentionParticipant] = {}


def register_retention_participant(participant: RetentionParticipant) -> None:
    """Have retention and redaction reach `participant` (idempotent by its name)."""
    _PARTICIPANTS[participant.name] = participant


def retention_participants() -> list[RetentionParticipant]:
    return list(_PARTICIPANTS.values())
