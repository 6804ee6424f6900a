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
"2026-03-15 04:30:00+00:00", and an empty value as "(empty)" rather than "None".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db import models
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


class ZonedHistoryHelper(HistoricalRecordContextHelper):
    """django-simple-history's change list of a version, with every date and time in the
    state's time zone and its abbreviation (timewords.moment_words) and None as "(empty)"."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        if value is None:
            return EMPTY_IN_HISTORY
        if isinstance(value, datetime) and value.tzinfo is not None:
            return moment_words(value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin with a History whose changes give times with their zone."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ZonedHistoryHelper(self.model, historical_record)
