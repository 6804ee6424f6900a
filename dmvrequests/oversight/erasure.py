"""Redaction and retention: the only code that rewrites historical rows.

History is otherwise never edited (SIMPLE_HISTORY_EDIT is off, and nothing
else calls the historical models' querysets). Here the law asks for it: text
entered by mistake, and subject identifiers past their retention period, must
leave the history too, or they were never removed. Both operations save the
case without adding a historical row (the rows are rewritten instead, so a
new row would show no difference) and record who, when, why and which fields
in the audit chain, never the removed text.

What other apps keep about a case (an issued letter's text and PDF) follows through the
retention participants they register (`cases/retention.py`): both operations ask each one to
erase or redact its part in the same transaction, inside `history_rewrite()`, and the audit
record counts what each changed.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst

from dmvrequests.audit.models import Action, Kind
from dmvrequests.audit.protection import history_rewrite
from dmvrequests.audit.services import CASE_OBJECT_TYPE, audit_record
from dmvrequests.audit.wording import in_sentence
from dmvrequests.cases.capabilities import capabilities_for
from dmvrequests.cases.models import DisclosureRequest, Status
from dmvrequests.cases.retention import (
    REDACTION,
    RETENTION,
    ErasureOrder,
    retention_participants,
)

REDACTABLE_FIELDS = (
    "narrative",
    "subject_name",
    "subject_license_number",
    "subject_plate",
    "subject_vin",
)
# What retention removes; everything else (dates, agency, purpose, categories,
# decisions) stays, so the statistics still add up.
SUBJECT_IDENTIFIERS = (
    "subject_name",
    "subject_dob",
    "subject_license_number",
    "subject_plate",
    "subject_vin",
    "narrative",
)
SHORT_MARKER = "[redacted]"
BATCH_SIZE = 200


class RedactionError(ValidationError):
    """A redaction the rules refuse; the message says what to do instead."""


def _field(name):
    """A column of the case (a concrete field, never a relation's reverse side)."""
    return cast(models.Field, DisclosureRequest._meta.get_field(name))


def field_label(name):
    return capfirst(_field(name).verbose_name)


# Redaction.


def redaction_marker(*, actor, reason, when):
    return f"[redacted by {actor} on {timezone.localtime(when):%Y-%m-%d}: {reason}]"


def _check_redaction(case, field, text, reason, actor):
    capabilities = capabilities_for(actor, case)
    if not capabilities.redact:
        raise RedactionError(capabilities.refusal("redact"))
    if field not in REDACTABLE_FIELDS:
        labels = ", ".join(in_sentence(field_label(name)) for name in REDACTABLE_FIELDS)
        raise RedactionError(f"Only these fields can be redacted: {labels}.")
    if not text:
        raise RedactionError("Enter the exact text to remove.")
    if not reason:
        raise RedactionError("Say why the text is removed.")


def _fitting_marker(field, values, text, marker):
    """The full marker, or "[redacted]" where a short field cannot hold it."""
    limit = _field(field).max_length
    for candidate in (marker, SHORT_MARKER):
        if limit is None or all(len(v.replace(text, candidate)) <= limit for v in values):
            return candidate
    raise RedactionError(
        f"{field_label(field)} holds at most {limit} characters, too few for the redaction "
        "marker. Redact the whole value instead."
    )


@transaction.atomic
def redaction_apply(*, case, field, text, reason, actor, request=None):
    """Replace `text` in the case's field and in every historical row with a marker.

    Returns how many historical rows were rewritten. The audit record names
    the field and the reason, never the text.
    """
    reason = (reason or "").strip()
    _check_redaction(case, field, text or "", reason, actor)
    case = DisclosureRequest.objects.select_for_update().get(pk=case.pk)
    # __contains is case-insensitive on SQLite; the exact test is done here.
    rows = [
        r for r in case.history.filter(**{f"{field}__contains": text}) if text in getattr(r, field)
    ]
    in_case = text in getattr(case, field)
    if not in_case and not rows:
        raise RedactionError(
            f"The text does not occur in {in_sentence(field_label(field))} of {case.number} or its "
            "history. Copy it exactly as it appears, with the same capitals and spaces."
        )
    values = [getattr(r, field) for r in rows] + [getattr(case, field)]
    full_marker = redaction_marker(actor=actor, reason=reason, when=timezone.now())
    marker = _fitting_marker(field, values, text, full_marker)
    if in_case:
        setattr(case, field, getattr(case, field).replace(text, marker))
        _save_without_history(case, [field])
    for row in rows:
        setattr(row, field, getattr(row, field).replace(text, marker))
    order = ErasureOrder(REDACTION, reason, actor=actor, text=text, marker=marker)
    with history_rewrite():  # the history tables' triggers refuse any other rewrite
        case.history.model._default_manager.bulk_update(rows, [field])
        others = _participants_apply(case, order)
    _record_redaction(case, field, reason, actor, request, len(rows), in_case, others)
    return len(rows)


def _participants_apply(case, order):
    """{participant: {what: count}} of every retention participant's erasure or redaction."""
    done = {}
    for participant in retention_participants():
        act = participant.erase if order.kind == RETENTION else participant.redact
        counts = act(case, order)
        if any(counts.values()):
            done[participant.name] = counts
    return done


def _save_without_history(case, fields):
    case.skip_history_when_saving = True
    try:
        case.save(update_fields=fields)
    finally:
        del case.skip_history_when_saving


def _record_redaction(case, field, reason, actor, request, history_rows, in_case, others):
    audit_record(
        kind=Kind.REDACTION,
        action=Action.REDACT,
        user=actor,
        request=request,
        case_number=case.number,
        object_type=CASE_OBJECT_TYPE,
        object_id=case.pk,
        detail={
            "field": field,
            "field_label": field_label(field),
            "reason": reason,
            "history_rows": history_rows,
            "current_value_changed": in_case,
            **({"also_redacted": others} if others else {}),
        },
    )


# Retention.


@dataclass(frozen=True)
class RetentionItem:
    case_pk: int
    number: str
    ended_at: datetime
    fields: tuple
    history_rows: int
    held_by: tuple = ()  # retention participants still holding data of the case ("letters")

    @property
    def field_labels(self):
        return [field_label(name) for name in self.fields]


def retention_years():
    """RETENTION_SUBJECT_YEARS, or None when retention is off (unset or 0)."""
    return getattr(settings, "RETENTION_SUBJECT_YEARS", None) or None


def years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February in a year without one
        return moment.replace(year=moment.year - years, day=28)


def _holds_identifiers():
    held = Q(subject_dob__isnull=False)
    for name in SUBJECT_IDENTIFIERS:
        if name != "subject_dob":
            held |= ~Q(**{name: ""})
    return held


def retention_candidates(*, years, now=None):
    """Closed or withdrawn cases that ended more than `years` ago and still hold identifiers.

    A case ends when it is closed (closed_at), or withdrawn (the first
    historical row in that status); updated_at stands in for older rows.
    """
    cutoff = years_before(now or timezone.now(), years)
    history = DisclosureRequest.history
    withdrawn_at = history.filter(id=OuterRef("pk"), status=Status.WITHDRAWN).order_by(
        "history_date"
    )
    history_holds = history.filter(_holds_identifiers(), id=OuterRef("pk"))
    held = _holds_identifiers() | Exists(history_holds)
    for participant in retention_participants():
        held |= Q(pk__in=participant.holding(DisclosureRequest.objects.ended()))
    return (
        DisclosureRequest.objects.ended()
        .annotate(
            ended_at=Coalesce(
                "closed_at", Subquery(withdrawn_at.values("history_date")[:1]), "updated_at"
            )
        )
        .filter(ended_at__lt=cutoff)
        .filter(held)
        .order_by("ended_at", "pk")
    )


def _is_set(value):
    return value not in (None, "")


def _plan_item(case, ended_at):
    """Which identifier fields the case or its history still hold."""
    history = list(case.history.values_list(*SUBJECT_IDENTIFIERS))
    held = [
        name
        for i, name in enumerate(SUBJECT_IDENTIFIERS)
        if _is_set(getattr(case, name)) or any(_is_set(row[i]) for row in history)
    ]
    rows = sum(1 for row in history if any(_is_set(v) for v in row))
    this_case = DisclosureRequest.objects.filter(pk=case.pk)
    held_by = tuple(p.name for p in retention_participants() if p.holding(this_case).exists())
    return RetentionItem(case.pk, case.number, ended_at, tuple(held), rows, held_by)


def retention_plan(*, years, now=None):
    """What retention would change, case by case, without changing anything."""
    for case in retention_candidates(years=years, now=now).iterator(chunk_size=BATCH_SIZE):
        yield _plan_item(case, case.ended_at)


def _cleared_values():
    return {name: None if name == "subject_dob" else "" for name in SUBJECT_IDENTIFIERS}


@transaction.atomic
def _retention_clear(case_pk, ended_at, years, source):
    case = DisclosureRequest.objects.select_for_update().get(pk=case_pk)
    item = _plan_item(case, ended_at)
    if not item.fields and not item.held_by:
        return None
    for name, value in _cleared_values().items():
        setattr(case, name, value)
    _save_without_history(case, list(SUBJECT_IDENTIFIERS))
    rule = f"retention: subject data is kept {years} years after the case ended"
    with history_rewrite():  # the history tables' triggers refuse any other rewrite
        case.history.all().update(**_cleared_values())
        others = _participants_apply(case, ErasureOrder(RETENTION, rule))
    audit_record(
        kind=Kind.RETENTION,
        action=Action.APPLY_RETENTION,
        case_number=case.number,
        object_type=CASE_OBJECT_TYPE,
        object_id=case.pk,
        detail={
            "fields": list(item.fields),
            "field_labels": item.field_labels,
            "history_rows": item.history_rows,
            "years": years,
            "source": source,
            **({"also_erased": others} if others else {}),
        },
    )
    return item


def retention_apply(*, years, source, now=None):
    """Clear subject identifiers of every case past the retention period.

    One transaction per case, so a long run holds no lock for long and a
    failure keeps what was already done. Returns the RetentionItems applied.
    """
    applied, seen = [], set()
    candidates = retention_candidates(years=years, now=now)
    while True:
        # Cleared cases drop out of the candidates, so each batch is fresh.
        batch = [(pk, end) for pk, end in candidates.values_list("pk", "ended_at")[:BATCH_SIZE]]
        batch = [(pk, end) for pk, end in batch if pk not in seen]
        if not batch:
            break
        for pk, ended_at in batch:
            seen.add(pk)
            item = _retention_clear(pk, ended_at, years, source)
            if item is not None:
                applied.append(item)
    _record_run(years, source, applied)
    return applied


def _record_run(years, source, applied):
    audit_record(
        kind=Kind.RETENTION,
        action=Action.RETENTION_RUN,
        detail={"years": years, "source": source, "cases": len(applied)},
    )
