"""The Network queries section's figures, computed once per filter and generation
(docs/network-queries.md, "Scale").

A page of the section over a year spends most of its time adding up the rollups and building
ten figures; the figures change only when the journal, its rollups or the directory change, and
each such writer gives the journal a new generation (generation.py), as does a hand-over of
the block list (the block leaks' figure says whether each came after it). The figures are therefore
kept in Django's cache (Redis in production, each process's memory in the embedded default)
under the generation and the filters: a new generation leaves every older entry unread (they
expire after CACHE_SECONDS). Only counts, ORIs, agency names and dates are cached: no entry of
the journal, which the entries page reads, and records, every time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from dmvrequests.switchjournal import figures as figures_of
from dmvrequests.switchjournal import generation

CACHE_SECONDS = 24 * 3600  # a stale generation's figures are never read; this frees them
# v2: the block leaks' figure says when each leak came (before or after the hand-over).
PREFIX = "switchjournal:figures:v2"


@dataclass(frozen=True)
class Computed:
    """The section's figures (figures.figures' list) and when they were computed; `cached`:
    read from the cache rather than computed for this request; `key`: their cache key (the
    generation and the filters), which the page's rendered figures are cached under too."""

    figures: list[figures_of.Figure]
    computed_at: datetime
    cached: bool
    key: str


def _key(token: str, filters: figures_of.Filters) -> str:
    agency = filters.agency.pk if filters.agency is not None else ""
    # The database's name too (hashed: a path can be long): two installations, or two test
    # workers, that share one Redis may both hold the generation of a journal never written ("").
    database = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    return (
        f"{PREFIX}:{database}:{token}:{filters.date_from.isoformat()}:{filters.date_to.isoformat()}:"
        f"{filters.agency_kind}:{agency}"
    )


def section_figures(filters: figures_of.Filters) -> Computed:
    """Every figure of the section under `filters` (block leaks first): from the cache when
    computed since the journal last changed, computed and cached otherwise."""
    key = _key(generation.current(), filters)
    found = cache.get(key)
    if found is not None:
        built, computed_at = found
        return Computed(built, computed_at, cached=True, key=key)
    built, computed_at = figures_of.figures(filters), timezone.now()
    cache.set(key, (built, computed_at), CACHE_SECONDS)
    return Computed(built, computed_at, cached=False, key=key)


def section_figure(slug: str, filters: figures_of.Filters) -> figures_of.Figure | None:
    """One figure of the section by its slug (as `section_figures` gives it), or None for a
    slug the section has not."""
    return next((f for f in section_figures(filters).figures if f.slug == slug), None)
