"""The timeline's vocabulary: its kinds, its events, and the differences between
consecutive history rows of one object told as field changes ("Assigned counsel:
— → Ana Diaz"). `cases.timeline` tells each change in words and gathers the sources.
"""

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import dateformat
from django.utils.text import capfirst

from dmvrequests.audit.models import LIST_READS, Action, Kind
from dmvrequests.timewords import moment_words
from dmvrequests.vocabulary import RecordCategory

EMPTY = "—"
# Choices whose code means "nothing was given" (a document's issuer "none", labelled "None"
# in the form): the timeline says "not given" rather than "None → State judge".
NOT_GIVEN = "not given"
NOT_GIVEN_CODES = {"issuer": "none", "type": "none"}
NOT_GIVEN_WORDS = {"type": "not described yet"}
# Fields every save changes on its own; showing them would bury the real changes.
NOISE_FIELDS = frozenset({"id", "number", "created_at", "updated_at", "uploaded_at"})
CATEGORY_FIELDS = frozenset({"categories", "categories_approved"})
# What a second counsel's confirmation changes on the decision (services.decision_confirm).
SECOND_APPROVAL_FIELDS = frozenset({"second_approved_by", "second_approved_at"})


class TimelineKind(models.TextChoices):
    CHANGE = "change", "Field changes"
    TRANSITION = "transition", "Status changes"
    DOCUMENT = "document", "Documents"
    DECISION = "decision", "Decisions"
    INFO = "info", "Questions to the agency"
    CALLBACK = "callback", "Callbacks"
    RELEASE = "release", "Releases"
    NOTICE = "notice", "Subject notices"
    LETTER = "letter", "Letters"
    EMAIL = "email", "Emails sent by staff"
    MESSAGE = "message", "Portal messages and files"
    SHARING = "sharing", "Sharing"
    READ = "read", "Reads"
    REDACTION = "redaction", "Redactions"
    RETENTION = "retention", "Retention"


AUDIT_KINDS = {
    Kind.ACCESS: TimelineKind.READ,
    Kind.REDACTION: TimelineKind.REDACTION,
    Kind.RETENTION: TimelineKind.RETENTION,
    Kind.SHARING: TimelineKind.SHARING,
}

READ_PHRASES = {
    Action.VIEW_CASE: "viewed the case",
    Action.VIEW_TIMELINE: "viewed the case's timeline",
    Action.DOWNLOAD_DOCUMENT: "downloaded a document",
    Action.VIEW_LETTER: "viewed a letter",
    Action.EXPORT: "exported the case",
    Action.SEARCH: "found the case in a search",
    Action.LIST_QUEUE: "saw the case in a queue",
    Action.LIST_HISTORY: "saw the case in the change history",
    Action.LIST_QUARANTINE: "saw the case's email in the intake quarantine",
}
# Reads on list pages: a case on the first page of a queue is seen many times a
# day, so the timeline folds them into one line per person and list.
LIST_ACTIONS = LIST_READS


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class TimelineEvent:
    when: object
    who: str
    kind: str
    sentence: str
    changes: tuple = ()
    details: tuple = ()
    # A successful read: its audit action, and how many reads the event stands for
    # (a list page's reads come counted). The case page folds them by person.
    read_action: str = ""
    times: int = 1

    @property
    def kind_label(self):
        return TimelineKind(self.kind).label


@dataclass(frozen=True)
class _Diff:
    """A historical row, the row before it of the same object, and the fields that differ."""

    row: object
    previous: object
    changed: tuple


def person_name(user):
    return str(user) if user is not None else "System"


def tracked(historical_model):
    return [f for f in historical_model.tracked_fields if f.editable and f.name not in NOISE_FIELDS]


def diff_of(fields, row, previous):
    if previous is None:
        return _Diff(row, None, ())
    changed = tuple(f for f in fields if getattr(row, f.attname) != getattr(previous, f.attname))
    return _Diff(row, previous, changed)


def diffs_of(rows, fields):
    """Consecutive rows of one object compared; saves that changed nothing are left out."""
    diffs, previous = [], None
    for row in rows:
        diff = diff_of(fields, row, previous)
        if row.history_type != "~" or diff.changed:
            diffs.append(diff)
        previous = row
    return diffs


def _display(model_field, value, names):
    if value is None or value == "" or value == []:
        return EMPTY
    if model_field.name in CATEGORY_FIELDS:
        return ", ".join(category_label(v) for v in value)
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        if NOT_GIVEN_CODES.get(model_field.name) == value:
            return NOT_GIVEN_WORDS.get(model_field.name, NOT_GIVEN)
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(model_field, models.DateTimeField):
        return moment_words(value)
    if isinstance(model_field, models.DateField):
        return dateformat.format(value, "M j, Y")
    return str(value)


def category_label(value):
    return RecordCategory(value).label if value in RecordCategory.values else value


def related_names(diffs):
    """Names of everything changed foreign keys point to: those read with the rows (a
    row's cached related object, as the timeline's union joins people) without a query,
    the others in one query per related model."""
    wanted: dict[Any, set[Any]] = {}
    names = {}
    for diff in diffs:
        for f in diff.changed:
            if not f.is_relation:
                continue
            for row in (diff.row, diff.previous):
                pk = getattr(row, f.attname)
                if pk is not None and f.is_cached(row) and f.get_cached_value(row) is not None:
                    names[(f.related_model, pk)] = str(f.get_cached_value(row))
                elif pk is not None:
                    wanted.setdefault(f.related_model, set()).add(pk)
    for model, ids in wanted.items():
        ids = ids - {pk for (m, pk) in names if m is model}
        for pk, obj in model._default_manager.in_bulk(ids).items():
            names[(model, pk)] = str(obj)
    return names


def field_changes(diff, names, *, leave_out=()):
    return tuple(
        FieldChange(
            capfirst(f.verbose_name),
            _display(f, getattr(diff.previous, f.attname), names),
            _display(f, getattr(diff.row, f.attname), names),
        )
        for f in diff.changed
        if f.name not in leave_out
    )
