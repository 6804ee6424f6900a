"""One chronological story of a case: changes, moves, documents, decisions,
questions, callbacks, releases, notices, shares and reads.

The number of queries does not depend on the number of events: the tables of every
source (the case's historical rows, the historical rows of each kind of object that
belongs to it, its audit records, and the rows of the apps that register theirs:
letters, staff email, the portal) are read in one `UNION ALL` (`timeline_union`);
the people, agencies and offices that changed fields point to in one query per kind
of object; the reads on list pages, counted by person, in one more. The differences
between consecutive historical rows are computed in Python (`timeline_events`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import dateformat

from dmvrequests.audit.models import AuditRecord, Kind, Outcome
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
from dmvrequests.cases.timeline_events import (
    AUDIT_KINDS,
    LIST_ACTIONS,
    READ_PHRASES,
    SECOND_APPROVAL_FIELDS,
    TimelineEvent,
    TimelineKind,
    category_label,
    diff_of,
    diffs_of,
    field_changes,
    person_name,
    related_names,
    tracked,
)
from dmvrequests.cases.timeline_union import PERSON, Arm, ordered, read_arms
from dmvrequests.timewords import moment_words

# The case itself.


def _case_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
    details = (f"Reason given: {row.history_change_reason}",) if row.history_change_reason else ()
    if row.history_type == "+":
        sentence = f"{who} logged the case as “{row.get_status_display()}”"
        return TimelineEvent(row.history_date, who, TimelineKind.CHANGE, sentence, (), details)
    if row.history_type == "-":
        sentence = f"{who} deleted the case"
        return TimelineEvent(row.history_date, who, TimelineKind.CHANGE, sentence, (), details)
    changes = field_changes(diff, names, leave_out={"status"})
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


def history_changes(rows):
    """(row, field changes) for a page of rows from selectors.case_history_search.

    The rows carry `previous_history_id`; the previous rows come in one query.
    """
    rows = list(rows)
    model = DisclosureRequest.history.model
    wanted = [r.previous_history_id for r in rows if r.previous_history_id]
    previous = model._default_manager.in_bulk(wanted)
    fields = tracked(model)
    diffs = [diff_of(fields, r, previous.get(r.previous_history_id)) for r in rows]
    names = related_names(d for d in diffs if d.previous is not None)
    return [(d.row, field_changes(d, names)) for d in diffs]


# Objects that belong to the case (documents, decisions, releases...): each
# kind comes in one query, every object with its own run of rows.


def _object_diffs(historical_rows, fields):
    diffs = []
    for _, rows in groupby(historical_rows, key=lambda r: r.id):
        diffs.extend(diffs_of(rows, fields))
    return diffs


def _event(diff, kind, sentence, changes=(), details=()):
    who = person_name(diff.row.history_user)
    return TimelineEvent(diff.row.history_date, who, kind, sentence, tuple(changes), tuple(details))


def _changed(diff, names, kind, title):
    """The generic sentence for a change nobody wrote a better one for."""
    who = person_name(diff.row.history_user)
    verb = "removed" if diff.row.history_type == "-" else "changed"
    return _event(diff, kind, f"{who} {verb} the {title}", field_changes(diff, names))


def _document_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
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
        changes = field_changes(diff, names)
        return _event(diff, TimelineKind.DOCUMENT, f"{who} described the {title}", changes)
    return _changed(diff, names, TimelineKind.DOCUMENT, title)


def _verification_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
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
    row, who = diff.row, person_name(diff.row.history_user)
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
    # An approval's "reason" code is its extent (everything asked, or part): an outcome, not a
    # reason; a denial's is its reason.
    label = "Outcome" if row.outcome == DecisionOutcome.APPROVED else "Reason"
    details = [f"{label}: {row.get_reason_display()}"]
    if row.categories_approved:
        approved = ", ".join(category_label(c) for c in row.categories_approved)
        details.append(f"Approved: {approved}")
    if row.rationale:
        details.append(f"Rationale: {row.rationale}")
    return _event(diff, TimelineKind.DECISION, f"{who} {verb} the request", (), details)


def _info_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
    if row.history_type == "+":
        sentence = f"{who} asked the agency for information"
        return _event(diff, TimelineKind.INFO, sentence, (), [f"Question: {row.question}"])
    if row.answer and any(f.name == "answer" for f in diff.changed):
        sentence = f"{who} recorded the agency's answer"
        return _event(diff, TimelineKind.INFO, sentence, (), [f"Answer: {row.answer}"])
    return _changed(diff, names, TimelineKind.INFO, "question to the agency")


def _callback_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
    if row.history_type != "+":
        return _changed(diff, names, TimelineKind.CALLBACK, "callback")
    outcome = "confirmed" if row.confirmed else "did not confirm"
    sentence = (
        f"{who} called the agency at {row.number_called}; {row.answered_by} {outcome} the requester"
    )
    details = [f"Notes: {row.notes}"] if row.notes else []
    return _event(diff, TimelineKind.CALLBACK, sentence, (), details)


def _release_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
    if row.history_type != "+":
        return _changed(diff, names, TimelineKind.RELEASE, "release")
    method = row.get_method_display().lower()
    sentence = f"{who} recorded a release to {row.recipient} by {method}"
    details = [
        "Released: " + ", ".join(category_label(c) for c in row.categories or []),
        f"Records: {row.records_count}",
        f"On {moment_words(row.released_at)}",
    ]
    details += [f"Notes: {row.notes}"] if row.notes else []
    return _event(diff, TimelineKind.RELEASE, sentence, (), details)


def _notice_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
    if row.history_type == "+":
        details = [f"Rule: {row.rule}"] if row.rule else []
        details += [f"Due {dateformat.format(row.due_date, 'M j, Y')}"] if row.due_date else []
        sentence = f"{who} recorded that the subject must be told of the request"
        return _event(diff, TimelineKind.NOTICE, sentence, (), details)
    if any(f.name == "status" for f in diff.changed):
        sentence = f"{who} marked the subject notice “{row.get_status_display()}”"
        changes = field_changes(diff, names, leave_out={"status"})
        return _event(diff, TimelineKind.NOTICE, sentence, changes)
    return _changed(diff, names, TimelineKind.NOTICE, "subject notice")


def _share_event(diff, names):
    row, who = diff.row, person_name(diff.row.history_user)
    target = row.user or row.office
    if row.history_type == "+":
        sentence = f"{who} shared the case with {target}"
        return _event(diff, TimelineKind.SHARING, sentence, (), [f"Reason: {row.reason}"])
    if row.revoked_at and any(f.name == "revoked_at" for f in diff.changed):
        details = [f"Reason: {row.revoke_reason}"] if row.revoke_reason else []
        sentence = f"{who} revoked the share with {target}"
        return _event(diff, TimelineKind.SHARING, sentence, (), details)
    return _changed(diff, names, TimelineKind.SHARING, f"share with {target}")


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
    phrase = READ_PHRASES.get(record.action)
    return f"{who} {phrase if phrase is not None else record.get_action_display().lower()}"


def _record_details(record):
    details = []
    if record.outcome != Outcome.SUCCESS:
        details.append(f"Action: {record.get_action_display()}")
    if record.ip_address:
        details.append(f"From {record.ip_address}")
    return tuple(details)


def record_event(record):
    """The TimelineEvent of an audit record naming the case (its `user` joined)."""
    who = _record_who(record)
    details = _record_details(record)
    kind = AUDIT_KINDS[record.kind]
    sentence = _record_sentence(record, who)
    read = record.kind == Kind.ACCESS and record.outcome == Outcome.SUCCESS
    read_action = record.action if read else ""
    return TimelineEvent(record.occurred_at, who, kind, sentence, (), details, read_action)


def _audit_rows(case):
    return (
        AuditRecord.objects.for_case(case.number)
        .filter(kind__in=list(AUDIT_KINDS))
        .exclude(action__in=LIST_ACTIONS)  # the condition of audit_case_unlisted_idx
    )


def _audit_rows_but_reads(case):
    """The case's audit records but its successful reads (the case page counts those apart:
    timeline_reads.case_readers); refused reads stay."""
    return _audit_rows(case).exclude(kind=Kind.ACCESS, outcome=Outcome.SUCCESS)


def _audit_events(records):
    return [record_event(record) for record in records]


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
        first = moment_words(group["first"])
        sentence += f" {times} times, the first on {first}"
    return TimelineEvent(
        group["last"], who, TimelineKind.READ, sentence, read_action=group["action"], times=times
    )


# The sources. Tables read in the timeline's one `UNION ALL` (timeline_union): the history
# of the case and of what belongs to it (HistorySource), and rows told as they are
# (RowSource); a source that needs a query of its own (QuerySource). A source is only read
# when one of its kinds is asked for.


@dataclass(frozen=True)
class HistorySource:
    """The history of `arm.model` (a historical model): each object's consecutive rows
    compared, each change told by `describe(diff, names)` (None: told by another entry)."""

    kinds: frozenset
    arm: Arm
    describe: Callable[..., TimelineEvent | None]

    def diffs(self, rows):
        rows = ordered(rows, ("id", "history_date", "history_id"))
        return _object_diffs(rows, tracked(self.arm.model))


@dataclass(frozen=True)
class RowSource:
    """Rows of `arm.model` told by `events(rows)`, the rows sorted by `order` first."""

    kinds: frozenset
    arm: Arm
    events: Callable[[list], list[TimelineEvent]]
    order: tuple[str, ...] = ("pk",)


@dataclass(frozen=True)
class QuerySource:
    """`read(case, kinds) -> [TimelineEvent]`, with queries of its own."""

    kinds: frozenset
    read: Callable[..., list[TimelineEvent]]


def history_of(model, case_filter=None, joins=None):
    """The arm of `model`'s history rows for a case: `case_filter(case) -> Q` on the
    historical model (default: `case_id` is the case's), `joins` as for `Arm`."""

    def rows(case):
        where = case_filter(case) if case_filter else models.Q(case_id=case.pk)
        return model.history.filter(where)

    # The people the tracked fields point to come joined: a change of assigned counsel is
    # told with the names without a query of its own.
    history = model.history.model
    user = get_user_model()
    people = {f.name: PERSON for f in tracked(history) if f.is_relation and f.related_model is user}
    return Arm(history, rows, {"history_user": PERSON, **people, **(joins or {})})


def _documents_of(case):
    documents = LegalDocument.objects.filter(case_id=case.pk).values("id")
    return models.Q(document_id__in=documents)


def _history(kinds, model, describe, case_filter=None, joins=None):
    return HistorySource(frozenset(kinds), history_of(model, case_filter, joins), describe)


SOURCES: tuple[Any, ...] = (
    _history(
        {TimelineKind.CHANGE, TimelineKind.TRANSITION},
        DisclosureRequest,
        _case_event,
        lambda case: models.Q(id=case.pk),
    ),
    _history({TimelineKind.DOCUMENT}, LegalDocument, _document_event),
    _history(
        {TimelineKind.DOCUMENT},
        DocumentVerification,
        _verification_event,
        _documents_of,
        {"document": ("type",)},
    ),
    _history({TimelineKind.DECISION}, Decision, _decision_event),
    _history({TimelineKind.INFO}, InfoRequest, _info_event),
    _history({TimelineKind.CALLBACK}, Callback, _callback_event),
    _history({TimelineKind.RELEASE}, Release, _release_event),
    _history({TimelineKind.NOTICE}, SubjectNotice, _notice_event),
    _history(
        {TimelineKind.SHARING},
        CaseShare,
        _share_event,
        joins={"user": PERSON, "office": ("name",)},
    ),
    RowSource(
        frozenset(AUDIT_KINDS.values()),
        Arm(AuditRecord, _audit_rows, {"user": PERSON}),
        _audit_events,
        ("seq",),
    ),
    QuerySource(frozenset({TimelineKind.READ}), _listed_events),
)
# With reads=False, the audit records' source without the successful reads, and no list reads.
_AUDIT_BUT_READS = RowSource(
    frozenset(AUDIT_KINDS.values()),
    Arm(AuditRecord, _audit_rows_but_reads, {"user": PERSON}),
    _audit_events,
    ("seq",),
)


# Sources of apps that build on cases (letters, staff email, the portal), registered from
# their AppConfig.ready().
_REGISTERED_SOURCES: list[Any] = []


def register_source(kinds, source):
    """Add `source(case, kinds) -> [TimelineEvent]`, queried when one of `kinds` is asked."""
    _REGISTERED_SOURCES.append(QuerySource(frozenset(kinds), source))


def register_rows(kinds, model, rows, events, *, joins=None, leave_out=(), order=("pk",)):
    """Add the rows of `model` to the timeline's one query, when one of `kinds` is asked:
    `rows(case)` is a queryset of them, `events(rows) -> [TimelineEvent]` tells them
    (rows sorted by `order`); `joins` and `leave_out` as for `timeline_union.Arm`."""
    arm = Arm(model, rows, joins or {}, frozenset(leave_out))
    _REGISTERED_SOURCES.append(RowSource(frozenset(kinds), arm, events, tuple(order)))


def _arm_events(source, rows, names):
    if isinstance(source, HistorySource):
        described = (source.describe(diff, names) for diff in rows)
        return [event for event in described if event is not None]
    return source.events(ordered(rows, source.order))


def case_timeline(case, *, kinds=None, reads=True):
    """Every event of the case, oldest first; `kinds` (TimelineKind values) narrows it.
    With `reads=False`, the successful reads are left out (in the database: a case read a
    thousand times costs no more); refused reads stay.

    The tables of every source asked for are read in one query (timeline_union.read_arms),
    then the names changed foreign keys point to (one query per kind of object), then the
    sources with queries of their own."""
    kinds = set(kinds or TimelineKind.values) & set(TimelineKind.values)
    own = SOURCES if reads else (*SOURCES[:-2], _AUDIT_BUT_READS)
    sources = [s for s in (*own, *_REGISTERED_SOURCES) if s.kinds & kinds]
    with_arm = [s for s in sources if not isinstance(s, QuerySource)]
    read = dict(zip(map(id, with_arm), read_arms(case, [s.arm for s in with_arm]), strict=True))
    for source in with_arm:
        if isinstance(source, HistorySource):
            read[id(source)] = source.diffs(read[id(source)])
    names = related_names(
        diff
        for source in with_arm
        if isinstance(source, HistorySource)
        for diff in read[id(source)]
        if diff.previous is not None
    )
    events = []
    for source in sources:
        if isinstance(source, QuerySource):
            events.extend(source.read(case, kinds))
        else:
            events.extend(_arm_events(source, read[id(source)], names))
    # Sorted by time; events at the same instant keep their source's order.
    return sorted((e for e in events if e.kind in kinds), key=lambda e: e.when)
