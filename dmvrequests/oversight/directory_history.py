"""The agency directory's change history, for the auditors' "Directory changes" screen.

The directory's models with a history (agencies, ORI blocks, certifications) are read as
one list, newest first: `directory_history_search` gives one `UNION ALL` of
(history_id, history_date, source) per kind, to page; `directory_history_rows` reads
the page's rows and the versions before them in two queries per kind, and compares them
in Python. So a page costs the same number of queries whatever its length.

Requesters and officers have a history too but are left out: their rows are people's
contact details and approvals, not the directory.

A value reads as in the administration site's History (admin_widgets.history_words): no value
is "(empty)", a date and time is in the state's zone with its abbreviation; the rest as the
case timeline words it (a person's name, a choice's label).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.utils.text import capfirst

from dmvrequests.admin_widgets import EMPTY_IN_HISTORY
from dmvrequests.agencies.imports import IMPORT_REASON
from dmvrequests.agencies.models import Agency, Certification, OriBlock
from dmvrequests.cases.timeline_events import (
    FieldChange,
    diff_of,
    field_changes,
    related_names,
    tracked,
)
from dmvrequests.oversight.selectors import in_period
from dmvrequests.timewords import moment_words

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from django.db.models import QuerySet

# source code -> model; the code is what the union's `source` column holds.
SOURCES: dict[str, type[models.Model]] = {
    "agency": Agency,
    "oriblock": OriBlock,
    "certification": Certification,
}
HAPPENED = {"+": "Created", "~": "Changed", "-": "Deleted"}
NO_USER = "The system"
AN_IMPORT = "An import"


@dataclass(frozen=True)
class DirectoryChange:
    """One version of a directory row as the screen shows it."""

    when: Any
    who: str
    subject: str
    kind: str
    happened: str
    reason: str
    changes: tuple[FieldChange, ...]


def _previous(history: Any, field: str = "history_id") -> Subquery:
    """`field` of the version before OuterRef's, of the same object (NULL for a first one)."""
    earlier = history.filter(id=OuterRef("id")).filter(
        Q(history_date__lt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
    )
    return Subquery(earlier.order_by("-history_date", "-history_id").values(field)[:1])


def _agency_arm(rows: QuerySet[Any], filters: Mapping[str, Any]) -> QuerySet[Any]:
    if filters.get("agency_name"):
        rows = rows.filter(name__icontains=filters["agency_name"])
    if filters.get("only_blocks"):
        # A version that set or lifted the block: `blocked` differs from the version before.
        history = Agency.history.all()
        rows = rows.annotate(previous_blocked=_previous(history, "blocked"))
        rows = rows.filter(
            Q(previous_blocked__isnull=True, blocked=True)
            | Q(previous_blocked=True, blocked=False)
            | Q(previous_blocked=False, blocked=True)
        )
    return rows


def _oriblock_arm(rows: QuerySet[Any], filters: Mapping[str, Any]) -> QuerySet[Any]:
    # An ORI block belongs to no agency: the name filter looks for its ORI.
    if filters.get("agency_name"):
        rows = rows.filter(ori__icontains=filters["agency_name"])
    return rows


def _certification_arm(rows: QuerySet[Any], filters: Mapping[str, Any]) -> QuerySet[Any] | None:
    if filters.get("only_blocks"):
        return None
    if filters.get("agency_name"):
        names = Agency.objects.filter(name__icontains=filters["agency_name"]).values("pk")
        rows = rows.filter(agency_id__in=names)
    return rows


ARMS = {"agency": _agency_arm, "oriblock": _oriblock_arm, "certification": _certification_arm}


def _arm(source: str, filters: Mapping[str, Any]) -> QuerySet[Any] | None:
    """(history_id, history_date, source) of one kind's matching versions, or None when
    the filters leave that kind out."""
    rows = SOURCES[source].history.all()  # type: ignore[attr-defined]
    if filters.get("username"):
        rows = rows.filter(history_user__username__iexact=filters["username"])
    rows = in_period(rows, "history_date", filters.get("date_from"), filters.get("date_to"))
    rows = ARMS[source](rows, filters)
    if rows is None:
        return None
    label = Value(source, output_field=models.CharField())
    # No ORDER BY inside a UNION: the union is ordered as a whole.
    rows = rows.order_by().annotate(source=label)
    return rows.values_list("history_id", "history_date", "source")


def directory_history_search(filters: Mapping[str, Any]) -> QuerySet[Any]:
    """(history_id, history_date, source) tuples of every directory version matching the
    cleaned DirectoryHistoryFilterForm data, newest first: page it, then give the page to
    `directory_history_rows`."""
    arms = [arm for source in SOURCES if (arm := _arm(source, filters)) is not None]
    union = arms[0].union(*arms[1:], all=True) if len(arms) > 1 else arms[0]
    return union.order_by("-history_date", "-history_id")


def _versions(source: str, ids: list[int]) -> list[Any]:
    """The versions `ids` of one kind, and the version before each in `row.previous`."""
    history = SOURCES[source].history.all()  # type: ignore[attr-defined]
    rows = list(
        history.filter(history_id__in=ids)
        .select_related("history_user")
        .annotate(previous_history_id=_previous(history))
    )
    wanted = [row.previous_history_id for row in rows if row.previous_history_id]
    before = history.in_bulk(wanted)
    for row in rows:
        row.previous = before.get(row.previous_history_id)
    return rows


def _who(row: Any) -> str:
    if row.history_user is not None:
        return str(row.history_user)
    return AN_IMPORT if row.history_change_reason == IMPORT_REASON else NO_USER


def _subject(source: str, row: Any, agencies: Mapping[int, str]) -> str:
    if source == "agency":
        return row.name
    if source == "oriblock":
        return f"ORI block {row.ori}"
    return agencies.get(row.agency_id, f"Agency #{row.agency_id}")


def _words(value: Any, shown: str) -> str:
    """A stored value as the admin's History writes it: "(empty)", a time with its zone;
    anything else as the timeline showed it (`shown`)."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY_IN_HISTORY
    if isinstance(value, datetime) and value.tzinfo is not None:
        return moment_words(value)
    return shown


def _history_changes(diff: Any, names: Mapping[Any, str]) -> tuple[FieldChange, ...]:
    """The timeline's field changes of `diff` (one per changed field, in order), worded."""
    return tuple(
        FieldChange(
            change.label,
            _words(getattr(diff.previous, field.attname), change.old),
            _words(getattr(diff.row, field.attname), change.new),
        )
        for field, change in zip(diff.changed, field_changes(diff, names), strict=True)
    )


def _changes(rows: list[Any]) -> dict[int, tuple[FieldChange, ...]]:
    """{history_id: field changes from the version before}; none for a first version."""
    if not rows:
        return {}
    fields = tracked(type(rows[0]))
    diffs = [diff_of(fields, row, row.previous) for row in rows]
    names = related_names(d for d in diffs if d.previous is not None)
    return {d.row.history_id: _history_changes(d, names) for d in diffs}


def directory_history_rows(page_rows: Iterable[tuple[int, Any, str]]) -> list[DirectoryChange]:
    """The page's (history_id, history_date, source) tuples as DirectoryChanges, in the
    same order: two queries per kind on the page, one for the certifications' agencies."""
    page_rows = list(page_rows)
    versions, changes = {}, {}
    for source in SOURCES:
        ids = [history_id for history_id, _, s in page_rows if s == source]
        rows = _versions(source, ids) if ids else []
        versions.update({(source, row.history_id): row for row in rows})
        changes.update({(source, k): v for k, v in _changes(rows).items()})
    agency_ids = {r.agency_id for (s, _), r in versions.items() if s == "certification"}
    agencies = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "name"))
    result = []
    for history_id, _, source in page_rows:
        row = versions[(source, history_id)]
        result.append(
            DirectoryChange(
                when=row.history_date,
                who=_who(row),
                subject=_subject(source, row, agencies),
                kind=str(capfirst(SOURCES[source]._meta.verbose_name)),
                happened=HAPPENED.get(row.history_type, row.history_type),
                reason=row.history_change_reason or "",
                changes=changes[(source, history_id)],
            )
        )
    return result
