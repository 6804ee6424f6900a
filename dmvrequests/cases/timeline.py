"""One chronological story of a case: changes, moves, documents, decisions,
questions, callbacks, releases, notices, shares and reads.

The number of queries does not depend on the number of events: the case's
historical rows, the historical rows of each kind of object that belongs to
it (documents, decisions, releases...) and its audit records are fetched in
one query each, and the people, agencies and offices that changed fields
point to in one query per kind of object. The differences between
consecutive historical rows are computed in Python.
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db import models
from django.utils import dateformat, timezone
from django.utils.text import capfirst

from dmvrequests.audit.models import LIST_READS, Action, AuditRecord, Kind, Outcome
from dmvrequests.audit.wording import in_sentence
from dmvrequests.cases.models import (
    Callback,
    CaseShare,
    Decision,
    DecisionOutcome,
    DisclosureRequest,
    DocumentVerification,
    InfoRequest,
    LegalDocument,
    Release,
    SubjectNotice,
)
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


def _who(user):
    return str(user) if user is not None else "System"


def _tracked(historical_model):
    return [f for f in historical_model.tracked_fields if f.editable and f.name not in NOISE_FIELDS]


def _diff(fields, row, previous):
    if previous is None:
        return _Diff(row, None, ())
    changed = tuple(f for f in fields if getattr(row, f.attname) != getattr(previous, f.attname))
    return _Diff(row, previous, changed)


def _diffs(rows, fields):
    """Consecutive rows of one object compared; saves that changed nothing are left out."""
    diffs, previous = [], None
    for row in rows:
        diff = _diff(fields, row, previous)
        if row.history_type != "~" or diff.changed:
            diffs.append(diff)
        previous = row
    return diffs


def _display(model_field, value, names):
    if value is None or value == "" or value == []:
        return EMPTY
    if model_field.name in CATEGORY_FIELDS:
        return ", ".join(_category_label(v) for v in value)
    if model_field.is_relation:
        return names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        if NOT_GIVEN_CODES.get(model_field.name) == value:
            return NOT_GIVEN_WORDS.get(model_field.name, NOT_GIVEN)
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(model_field, models.DateTimeField):
        return dateformat.format(timezone.localtime(value), "M j, Y H:i")
    if isinstance(model_field, models.DateField):
        return dateformat.format(value, "M j, Y")
    return str(value)


def _category_label(value):
    return RecordCategory(value).label if value in RecordCategory.values else value


def _related_names(diffs):
    """Names of everything changed foreign keys point to: one query per related model."""
    wanted: dict[Any, set[Any]] = {}
    for diff in diffs:
        for f in diff.changed:
            if f.is_relation:
                ids = wanted.setdefault(f.related_model, set())
                ids.update({getattr(diff.row, f.attname), getattr(diff.previous, f.attname)})
    names = {}
    for model, ids in wanted.items():
        ids.discard(None)
        for pk, obj in model._default_manager.in_bulk(ids).items():
            names[(model, pk)] = str(obj)
    return names


def _field_changes(diff, names, *, leave_out=()):
    return tuple(
        FieldChange(
            capfirst(f.verbose_name),
            _display(f, getattr(diff.previous, f.attname), names),
            _display(f, getattr(diff.row, f.attname), names),
        )
        for f in diff.changed
        if f.name not in leave_out
    )


# The case itself.


def _case_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    details = (f"Reason given: {row.history_change_reason}",) if row.history_change_reason else ()
    if row.history_type == "+":
        sentence = f"{who} logged the case as “{row.get_status_display()}”"
        return TimelineEvent(row.history_date, who, TimelineKind.CHANGE, sentence, (), details)
    if row.history_type == "-":
        sentence = f"{who} deleted the case"
        return TimelineEvent(row.history_date, who, TimelineKind.CHANGE, sentence, (), details)
    changes = _field_changes(diff, names, leave_out={"status"})
    if not any(f.name == "status" for f in diff.changed):
        labels = ", ".join(in_sentence(c.label) for c in changes)
        sentence = f"{who} changed {labels}"
        if [f.name for f in diff.changed] == ["requester_verified"]:
            state = "verified" if row.requester_verified else "not verified"
            sentence = f"{who} marked the requester {state}"
        return TimelineEvent(row.history_date, who, TimelineKind.CHANGE, sentence, changes, details)
    old, new = diff.previous.get_status_display(), row.get_status_display()
    sentence = f"{who} moved the case from “{old}” to “{new}”"
    return TimelineEvent(row.history_date, who, TimelineKind.TRANSITION, sentence, changes, details)


def _case_events(case):
    rows = case.history.select_related("history_user").order_by("history_date", "history_id")
    diffs = _diffs(rows, _tracked(case.history.model))
    names = _related_names(d for d in diffs if d.previous is not None)
    return [_case_event(diff, names) for diff in diffs]


def history_changes(rows):
    """(row, field changes) for a page of rows from selectors.case_history_search.

    The rows carry `previous_history_id`; the previous rows come in one query.
    """
    rows = list(rows)
    model = DisclosureRequest.history.model
    wanted = [r.previous_history_id for r in rows if r.previous_history_id]
    previous = model._default_manager.in_bulk(wanted)
    fields = _tracked(model)
    diffs = [_diff(fields, r, previous.get(r.previous_history_id)) for r in rows]
    names = _related_names(d for d in diffs if d.previous is not None)
    return [(d.row, _field_changes(d, names)) for d in diffs]


# Objects that belong to the case (documents, decisions, releases...): each
# kind comes in one query, every object with its own run of rows.


def _object_diffs(historical_rows, fields):
    diffs = []
    for _, rows in groupby(historical_rows, key=lambda r: r.id):
        diffs.extend(_diffs(rows, fields))
    return diffs


def _event(diff, kind, sentence, changes=(), details=()):
    who = _who(diff.row.history_user)
    return TimelineEvent(diff.row.history_date, who, kind, sentence, tuple(changes), tuple(details))


def _changed(diff, names, kind, title):
    """The generic sentence for a change nobody wrote a better one for."""
    who = _who(diff.row.history_user)
    verb = "removed" if diff.row.history_type == "-" else "changed"
    return _event(diff, kind, f"{who} {verb} the {title}", _field_changes(diff, names))


def _document_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    # Type names keep their capitals: "ICE I-200" must not read "ice i-200".
    title = f"document “{row.get_type_display()}”"
    if row.type == "none":  # an emailed file nobody has described yet
        title = "document not described yet"
    if row.history_type == "+":
        filed = f" ({row.original_filename})" if row.original_filename else ""
        return _event(diff, TimelineKind.DOCUMENT, f"{who} added the {title}{filed}")
    if row.history_type == "~" and [f.name for f in diff.changed] == ["verified"]:
        if (row.history_change_reason or "").startswith("Checklist:"):
            return None  # the checklist's own entry says "verified the document" (one entry)
        state = "verified" if row.verified else "not verified"
        return _event(diff, TimelineKind.DOCUMENT, f"{who} marked the {title} {state}")
    if row.history_type == "~" and (row.history_change_reason or "").startswith("Described as"):
        # "Describe this document": the type before and after are among the changes.
        changes = _field_changes(diff, names)
        return _event(diff, TimelineKind.DOCUMENT, f"{who} described the {title}", changes)
    return _changed(diff, names, TimelineKind.DOCUMENT, title)


def _verification_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    title = f"document “{row.document.get_type_display()}”" if row.document else "document"
    if row.history_type != "+":
        return _changed(diff, names, TimelineKind.DOCUMENT, f"check of the {title}")
    verb = "verified" if row.result == "verified" else "rejected"
    details = (
        [f"Confirmed with the court by {row.confirmed_by_name}"] if row.confirmed_by_name else []
    )
    details += [f"Notes: {row.notes}"] if row.notes else []
    return _event(diff, TimelineKind.DOCUMENT, f"{who} {verb} the {title}", (), details)


def _decision_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    partial = row.reason == "approved_partial"
    if row.history_type == "~" and {f.name for f in diff.changed} == SECOND_APPROVAL_FIELDS:
        outcome = "approved in part" if partial else "approved"
        sentence = f"{who} confirmed the approval as second counsel (the case is {outcome})"
        return _event(diff, TimelineKind.DECISION, sentence)
    if row.history_type != "+":
        return _changed(diff, names, TimelineKind.DECISION, "decision")
    verb = "denied"
    if row.outcome == DecisionOutcome.APPROVED:
        verb = "approved in part" if partial else "approved"
    details = [f"Reason: {row.get_reason_display()}"]
    if row.categories_approved:
        approved = ", ".join(_category_label(c) for c in row.categories_approved)
        details.append(f"Approved: {approved}")
    if row.rationale:
        details.append(f"Rationale: {row.rationale}")
    return _event(diff, TimelineKind.DECISION, f"{who} {verb} the request", (), details)


def _info_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    if row.history_type == "+":
        sentence = f"{who} asked the agency for information"
        return _event(diff, TimelineKind.INFO, sentence, (), [f"Question: {row.question}"])
    if row.answer and any(f.name == "answer" for f in diff.changed):
        sentence = f"{who} recorded the agency's answer"
        return _event(diff, TimelineKind.INFO, sentence, (), [f"Answer: {row.answer}"])
    return _changed(diff, names, TimelineKind.INFO, "question to the agency")


def _callback_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    if row.history_type != "+":
        return _changed(diff, names, TimelineKind.CALLBACK, "callback")
    outcome = "confirmed" if row.confirmed else "did not confirm"
    sentence = (
        f"{who} called the agency at {row.number_called}; {row.answered_by} {outcome} the requester"
    )
    details = [f"Notes: {row.notes}"] if row.notes else []
    return _event(diff, TimelineKind.CALLBACK, sentence, (), details)


def _release_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    if row.history_type != "+":
        return _changed(diff, names, TimelineKind.RELEASE, "release")
    method = row.get_method_display().lower()
    sentence = f"{who} recorded a release to {row.recipient} by {method}"
    details = [
        "Released: " + ", ".join(_category_label(c) for c in row.categories or []),
        f"Records: {row.records_count}",
        f"On {dateformat.format(timezone.localtime(row.released_at), 'M j, Y H:i')}",
    ]
    details += [f"Notes: {row.notes}"] if row.notes else []
    return _event(diff, TimelineKind.RELEASE, sentence, (), details)


def _notice_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    if row.history_type == "+":
        details = [f"Rule: {row.rule}"] if row.rule else []
        details += [f"Due {dateformat.format(row.due_date, 'M j, Y')}"] if row.due_date else []
        sentence = f"{who} recorded that the subject must be told of the request"
        return _event(diff, TimelineKind.NOTICE, sentence, (), details)
    if any(f.name == "status" for f in diff.changed):
        sentence = f"{who} marked the subject notice “{row.get_status_display()}”"
        changes = _field_changes(diff, names, leave_out={"status"})
        return _event(diff, TimelineKind.NOTICE, sentence, changes)
    return _changed(diff, names, TimelineKind.NOTICE, "subject notice")


def _share_event(diff, names):
    row, who = diff.row, _who(diff.row.history_user)
    target = row.user or row.office
    if row.history_type == "+":
        sentence = f"{who} shared the case with {target}"
        return _event(diff, TimelineKind.SHARING, sentence, (), [f"Reason: {row.reason}"])
    if row.revoked_at and any(f.name == "revoked_at" for f in diff.changed):
        details = [f"Reason: {row.revoke_reason}"] if row.revoke_reason else []
        sentence = f"{who} revoked the share with {target}"
        return _event(diff, TimelineKind.SHARING, sentence, (), details)
    return _changed(diff, names, TimelineKind.SHARING, f"share with {target}")


def _belonging_events(model, describe, case_filter, related=()):
    history = model.history
    rows = (
        history.filter(case_filter)
        .select_related("history_user", *related)
        .order_by("id", "history_date", "history_id")
    )
    diffs = _object_diffs(rows, _tracked(history.model))
    names = _related_names(d for d in diffs if d.previous is not None)
    # A describe() may return None: the change is told by another entry (see _document_event).
    return [event for event in (describe(diff, names) for diff in diffs) if event is not None]


def _of_case(model, describe, related=()):
    """A timeline source for a model with a `case` foreign key."""
    return lambda case, kinds: _belonging_events(
        model, describe, models.Q(case_id=case.pk), related
    )


def _verification_events(case, kinds):
    documents = LegalDocument.objects.filter(case_id=case.pk).values("id")
    case_filter = models.Q(document_id__in=documents)
    return _belonging_events(DocumentVerification, _verification_event, case_filter, ("document",))


# Audit records that name the case: reads, redactions, retention, sharing.


def _record_who(record):
    if record.user is not None:
        return str(record.user)
    return record.username or "System"


def _also_words(done):
    """'2 letters' from a retention or redaction record's {participant: {what: count}}
    (cases/retention.py): what the other apps' records changed with the case."""
    words = []
    for counts in (done or {}).values():
        for what, n in counts.items():
            words.append(f"{n} {what[:-1] if n == 1 and what.endswith('s') else what}")
    return ", ".join(words)


def _record_sentence(record, who):
    detail = record.detail or {}
    if record.kind == Kind.REDACTION:
        field_label = detail.get("field_label", detail.get("field", "a field"))
        also = _also_words(detail.get("also_redacted"))
        also = f" (and from {also})" if also else ""
        return (
            f"{who} redacted text from {in_sentence(field_label)}{also}: {detail.get('reason', '')}"
        )
    if record.kind == Kind.RETENTION:
        removed = ", ".join(in_sentence(label) for label in detail.get("field_labels", []))
        removed = removed or "subject identifiers"
        also = _also_words(detail.get("also_erased"))
        return f"Retention policy removed {removed}" + (f" and erased {also}" if also else "")
    if record.outcome == Outcome.DENIED:
        return f"{who} was refused access to the case"
    if record.outcome == Outcome.FAILURE:
        return f"{who}: {record.get_action_display().lower()} failed"
    return f"{who} {READ_PHRASES.get(record.action, record.get_action_display().lower())}"


def _record_details(record):
    details = []
    if record.outcome != Outcome.SUCCESS:
        details.append(f"Action: {record.get_action_display()}")
    if record.ip_address:
        details.append(f"From {record.ip_address}")
    return tuple(details)


def _record_event(record):
    who = _record_who(record)
    details = _record_details(record)
    kind = AUDIT_KINDS[record.kind]
    sentence = _record_sentence(record, who)
    read = record.kind == Kind.ACCESS and record.outcome == Outcome.SUCCESS
    read_action = record.action if read else ""
    return TimelineEvent(record.occurred_at, who, kind, sentence, (), details, read_action)


def _audit_events(case, kinds):
    wanted = [k for k, timeline_kind in AUDIT_KINDS.items() if timeline_kind in kinds]
    records = (
        AuditRecord.objects.for_case(case.number)
        .filter(kind__in=wanted)
        .exclude(action__in=LIST_ACTIONS)  # the condition of audit_case_unlisted_idx
        .select_related("user")
        .order_by("seq")
    )
    return [_record_event(record) for record in records]


def _listed_events(case, kinds):
    """Reads on list pages, one event per person and list: counted in the database,
    from audit_case_listed_idx alone (list reads are always successful reads of a
    signed-in user: audit.services.access_log_many)."""
    groups = (
        AuditRecord.objects.for_case(case.number)
        .filter(action__in=LIST_ACTIONS)
        .order_by()
        .values("user_id", "user__username", "user__first_name", "user__last_name", "action")
        .annotate(times=models.Count("*"), first=models.Min("occurred_at"))
        .annotate(last=models.Max("occurred_at"))
        .order_by("last", "user__username", "action")
    )
    return [_listed_event(group) for group in groups]


def _listed_event(group):
    name = f"{group['user__first_name'] or ''} {group['user__last_name'] or ''}".strip()
    who = name or group["user__username"] or "System"
    times = group["times"]
    sentence = f"{who} {READ_PHRASES[group['action']]}"
    if times > 1:
        first = dateformat.format(timezone.localtime(group["first"]), "M j, Y H:i")
        sentence += f" {times} times, the first on {first}"
    return TimelineEvent(
        group["last"], who, TimelineKind.READ, sentence, read_action=group["action"], times=times
    )


# (kinds a source produces, the source): a source is only queried when one of
# its kinds is asked for.
SOURCES = (
    ({TimelineKind.CHANGE, TimelineKind.TRANSITION}, lambda case, kinds: _case_events(case)),
    ({TimelineKind.DOCUMENT}, _of_case(LegalDocument, _document_event)),
    ({TimelineKind.DOCUMENT}, _verification_events),
    ({TimelineKind.DECISION}, _of_case(Decision, _decision_event)),
    ({TimelineKind.INFO}, _of_case(InfoRequest, _info_event)),
    ({TimelineKind.CALLBACK}, _of_case(Callback, _callback_event)),
    ({TimelineKind.RELEASE}, _of_case(Release, _release_event)),
    ({TimelineKind.NOTICE}, _of_case(SubjectNotice, _notice_event)),
    ({TimelineKind.SHARING}, _of_case(CaseShare, _share_event, ("user", "office"))),
    (set(AUDIT_KINDS.values()), _audit_events),
    ({TimelineKind.READ}, _listed_events),
)


# Sources of apps that build on cases (letters), registered from their AppConfig.ready().
_REGISTERED_SOURCES: list[tuple[set[str], Callable[..., list[TimelineEvent]]]] = []


def register_source(kinds, source):
    """Add `source(case, kinds) -> [TimelineEvent]`, queried when one of `kinds` is asked."""
    _REGISTERED_SOURCES.append((set(kinds), source))


def case_timeline(case, *, kinds=None):
    """Every event of the case, oldest first; `kinds` (TimelineKind values) narrows it."""
    kinds = set(kinds or TimelineKind.values) & set(TimelineKind.values)
    events = []
    for produces, source in (*SOURCES, *_REGISTERED_SOURCES):
        if produces & kinds:
            events.extend(source(case, kinds))
    # Sorted by time; events at the same instant keep their source's order.
    return sorted((e for e in events if e.kind in kinds), key=lambda e: e.when)
