"""The administration site's dates and times: one labelled input per field.

Django's admin draws a date-and-time field as two inputs, "Date:" and "Time:", that no label
names (the field's own label points at neither): axe reports both ("label", WCAG 1.3.1 and
4.1.2). `ADMIN_DATETIME`, given as a ModelAdmin's `formfield_overrides`, draws it as one
`datetime-local` input instead, which the field's label names (`<label for>`), as the
application's own forms do (`dmvrequests.forms.DateTimeInput`). Seconds are kept: saving a form
without touching a time leaves it as it was (a block's time is compared to the journal's to the
second). The time is the state's (TIME_ZONE), as everywhere (docs/accessibility.md).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from dmvrequests.formfields import PlausibleDateTimeField


class AdminDateTimeInput(forms.DateTimeInput):
    """A date and time to the second in one `datetime-local` input."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"step": "1", **(attrs or {})}, format="%Y-%m-%dT%H:%M:%S")


ADMIN_DATETIME: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.DateTimeField: {"form_class": PlausibleDateTimeField, "widget": AdminDateTimeInput}
}
