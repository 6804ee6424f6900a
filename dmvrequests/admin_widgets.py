"""The administration site's dates and times: one labelled input per field.

Django's admin draws a date-and-time field as two inputs, "Date:" and "Time:", that no label
names (the field's own label points at neither): axe reports both ("label", WCAG 1.3.1 and
4.1.2). `ADMIN_DATETIME`, given as a ModelAdmin's `formfield_overrides`, draws it as one
`datetime-local` input instead, which the field's label names (`<label for>`), as the
application's own forms do (`dmvrequests.forms.DateTimeInput`). Seconds are kept: saving a form
without touching a time leaves it as it was (a block's time is compared to the journal's to the
second). The time is the state's (TIME_ZONE), as everywhere (docs/accessibility.md).

`HistoryAdmin`, the base of every admin screen with a History, shows each change's dates and
times the same way: "Mar 15, 2026 00:30 EDT", not django-simple-history's raw UTC
"2026-03-15 04:30:00+00:00", and no value as "(empty)" rather than "None" or nothing at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from dmvrequests.formfields import PlausibleDateTimeField
from dmvrequests.timewords import moment_words

EMPTY_IN_HISTORY = "(empty)"


class AdminDateTimeInput(forms.DateTimeInput):
    """A date and time to the second in one `datetime-local` input."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


ADMIN_DATETIME: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateTimeField: {"form_class": PlausibleDateTimeField, "widget": AdminDateTimeInput}
}


def history_words(model: type[models.Model], name: str, value: Any) -> Any:
    """A value of a History as people read it: "(empty)" for None, an empty text or an empty
    list; "Yes" or "No" for a flag; a choice by its label ("Partly confirmed", not
    "partly_confirmed"); a date and time in the state's zone with its abbreviation
    (timewords.moment_words). Anything else is returned as it is."""
    if value is None or value == "" or value == []:
        return EMPTY_IN_HISTORY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return moment_words(value)
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if isinstance(field, models.Field) and field.choices:
        return dict(field.flatchoices).get(value, value)
    return value


def history_heading(model_admin: Any, name: str) -> str:
    """The heading of a column of `history_list_display`: the field's verbose name, or the
    admin method's description, never the attribute's name ("is_active")."""
    try:
        field = model_admin.model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if isinstance(field, models.Field):
        return capfirst(str(field.verbose_name))
    method = getattr(model_admin, name, None)
    return str(getattr(method, "short_description", "") or capfirst(name.replace("_", " ")))


class ZonedHistoryHelper(HistoricalRecordContextHelper):
    """django-simple-history's change list of a version, each value in words
    (`history_words`)."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        if isinstance(self.model._meta.get_field(change.field), models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        return history_words(self.model, change.field, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose History gives every value in words (`history_words`), the columns of
    `history_list_display` under their verbose names (templates/simple_history/
    object_history_list.html reads `history_headings` and each record's `history_cells`)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ZonedHistoryHelper(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        headings = [history_heading(self, name) for name in self.get_history_list_display(request)]
        return super().history_view(
            request, object_id, {"history_headings": headings, **(extra_context or {})}
        )

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        columns = self.get_history_list_display(request)
        for record in historical_records:
            record.history_cells = [
                history_words(self.model, name, getattr(record, name, None)) for name in columns
            ]
