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
"2026-03-15 04:30:00+00:00", no value as "(empty)" rather than "None" or nothing at all, and a
JSON list or object as words (`json_words`), never Python's "[{'citation': ...}]". What the
admin's form leaves out (a case's subject identifiers) its History leaves out too, and a past
version's page only shows: django-simple-history's revert is off (SIMPLE_HISTORY_REVERT_DISABLED),
and a POST there, which would save that version over a read-only row, is refused.

`yes_no_icon` replaces Django's yes/no icon everywhere in the admin (lists, read-only fields),
so that its text is "Yes", "No" or "Unknown" rather than "True", "False" or "None"
(`use_yes_no_icons`, called once at start-up by accounts.apps).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django import forms
from django.contrib.admin.templatetags import admin_list
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.templatetags.static import static
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
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


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def json_words(value: Any, *, inside: str = "") -> str:
    """A JSON value (a JSONField's list or object) as text: a list's items separated by "; ",
    an object's entries as "key: value" separated by ", ", a list or object within another in
    parentheses where the separators would run together; "Yes"/"No" for a flag, "(empty)"
    for nothing. `[{"citation": "18 U.S.C. 2721", "read_on": "2026-11-21"}]` reads
    "citation: 18 U.S.C. 2721, read_on: 2026-11-21"; never Python's repr of it."""
    if is_empty(value):
        return EMPTY_IN_HISTORY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        text = "; ".join(json_words(item, inside="list") for item in value)
        return f"({text})" if inside else text
    if isinstance(value, dict):
        text = ", ".join(f"{key}: {json_words(item, inside='dict')}" for key, item in value.items())
        return f"({text})" if inside == "dict" else text
    return str(value)


def history_words(model: type[models.Model], name: str, value: Any) -> Any:
    """A value of a History as people read it: "(empty)" for None, an empty text, list or
    object; "Yes" or "No" for a flag; a choice by its label ("Partly confirmed", not
    "partly_confirmed"); a date and time in the state's zone with its abbreviation
    (timewords.moment_words), a date as "Mar 1, 2026"; a JSON list or object in words
    (`json_words`). Anything else is returned as it is."""
    if is_empty(value):
        return EMPTY_IN_HISTORY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return moment_words(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, (list, dict)):
        return json_words(value)
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


def yes_no_icon(value: bool | None) -> SafeString:
    """Django's yes/no icon of the admin (a flag in a list or a read-only field), whose text
    says "Yes", "No" or "Unknown" instead of Django's "True", "False" or "None"."""
    icon, words = {True: ("yes", "Yes"), False: ("no", "No"), None: ("unknown", "Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), words)


def use_yes_no_icons() -> None:
    """Make `yes_no_icon` the admin's icon of a flag, on every page of the site. Django draws it
    with `admin_list._boolean_icon`, which each of its callers (`display_for_field`,
    `display_for_value`, a read-only field's `contents`) imports when it draws one, so that
    replacing it there is enough (dmvrequests/tests/test_admin_yes_no.py checks a list and a
    read-only field)."""
    if not hasattr(admin_list, "_boolean_icon"):
        raise RuntimeError("Django's admin no longer draws its flags with _boolean_icon")
    admin_list._boolean_icon = yes_no_icon


# django-simple-history cuts a long value in its middle ("18 U.S.C. 2721, re[51 chars] 2026"),
# hiding what changed; a History here shows each value whole, up to this length.
HISTORY_VALUE_MAX_CHARS = 20_000


class ZonedHistoryHelper(HistoricalRecordContextHelper):
    """django-simple-history's change list of a version, each value in words
    (`history_words`, or the admin's own words for that field), whole rather than cut."""

    def __init__(self, model, historical_record, *, words: Callable[[str, Any], Any], **kwargs):
        kwargs.setdefault("max_displayed_delta_change_chars", HISTORY_VALUE_MAX_CHARS)
        super().__init__(model, historical_record, **kwargs)
        self.words = words

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        if isinstance(self.model._meta.get_field(change.field), models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        return self.words(change.field, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """A ModelAdmin whose History gives every value in words (`history_words`, or for a field
    named in `history_value_words` the function given there: a profile's sources), the columns
    of `history_list_display` under their verbose names (templates/simple_history/
    object_history_list.html reads `history_headings` and each record's `history_cells`).

    A field in `exclude` (what the admin's form does not show: a case's subject identifiers)
    is not in the History either, unless `history_value_words` gives its words. A past
    version's page (`history_form_view`) only shows it: a POST there is refused."""

    history_value_words: Mapping[str, Callable[[Any], Any]] = {}

    def value_words(self, name: str, value: Any) -> Any:
        words = self.history_value_words.get(name)
        if words is not None and not is_empty(value):
            return words(value)
        return history_words(self.model, name, value)

    def history_hidden_fields(self) -> set[str]:
        return set(self.exclude or ()) - set(self.history_value_words)

    def get_historical_record_context_helper(self, request, historical_record):
        return ZonedHistoryHelper(self.model, historical_record, words=self.value_words)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A past version, to read. django-simple-history would save a POSTed form as the
        row's new state (its "revert", off on this site), even on an admin that changes
        nothing (a pending role grant, a case): refused."""
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("A past version is only shown: nothing is reverted here.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        headings = [history_heading(self, name) for name in self.get_history_list_display(request)]
        return super().history_view(
            request, object_id, {"history_headings": headings, **(extra_context or {})}
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """django-simple-history's own, without the fields the admin hides; then each
        `history_list_display` column's value in words (`history_cells`)."""
        hidden = self.history_hidden_fields()
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=hidden, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current
        columns = self.get_history_list_display(request)
        for record in historical_records:
            record.history_cells = [
                self.value_words(name, getattr(record, name, None)) for name in columns
            ]
