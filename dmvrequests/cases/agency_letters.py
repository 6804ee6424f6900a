"""Letters addressed to a case's requesting agency, for the channels that show them to the
agency (the portal's status page, the API).

The letters themselves belong to the correspondence app, which sits beside the portal and the
API in the top layer, so neither may import it (docs/decisions/0006-app-boundaries.md). As
with the timeline's sources, correspondence registers its reader here from its
`AppConfig.ready()`; cases imports no channel, and the portal and the API ask this module.
Callers pass a case already fetched through `selectors.officer_case_get`, so the officer's
scope is applied before any letter is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dmvrequests.cases.models import DisclosureRequest


@dataclass(frozen=True)
class AgencyLetter:
    """One issued letter to the agency: `id`, `kind` (code) and `kind_words`, `subject`,
    `language_name`, `issued_at`, `filename` of its PDF, `pdf_size` in bytes (0: issued
    without a PDF) and `pdf_sha256` (hex, empty without a PDF)."""

    id: int
    kind: str
    kind_words: str
    subject: str
    language_name: str
    issued_at: datetime
    filename: str
    pdf_size: int
    pdf_sha256: str


class AgencyLetterReader(Protocol):
    def letters(self, case: DisclosureRequest) -> list[AgencyLetter]:
        """The case's letters to the agency, oldest first (no PDF bytes loaded)."""

    def pdf(self, case: DisclosureRequest, letter_id: int) -> tuple[AgencyLetter, bytes] | None:
        """The letter and its PDF as stored, or None when it is not a letter of the case to
        the agency, or has no PDF."""


class _NoLetters:
    def letters(self, case: DisclosureRequest) -> list[AgencyLetter]:
        return []

    def pdf(self, case: DisclosureRequest, letter_id: int) -> tuple[AgencyLetter, bytes] | None:
        return None


_READER: list[AgencyLetterReader] = [_NoLetters()]


def register_agency_letter_reader(reader: AgencyLetterReader) -> None:
    """Set the reader of agency letters (the correspondence app's); the last one wins."""
    _READER[0] = reader


def agency_letters(case: DisclosureRequest) -> list[AgencyLetter]:
    """The letters of `case` addressed to its agency, oldest first."""
    return _READER[0].letters(case)


def agency_letter_pdf(case: DisclosureRequest, letter_id: int) -> tuple[AgencyLetter, bytes] | None:
    """(letter, PDF bytes as stored) for letter `letter_id` of `case` to its agency, or None."""
    return _READER[0].pdf(case, letter_id)
