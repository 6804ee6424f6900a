"""`get_FOO_display()` without rebuilding the choices on each call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on
every call: for a field of thirty choices that is most of the call, and a queue page
calls it about a hundred times (the channel and the status of fifty rows), the case
page's timeline once or twice per event. `install()` (called once the models are
loaded, from `AuditConfig.ready`) replaces each such method that Django made with one
that keeps the dict on the side, keyed by the field's choices object, so a field whose
choices are replaced (`field.choices = ...`) is read afresh. The answer is Django's
exactly: the label of the stored value, the value itself when it is not a choice, made
a `str` by `force_str(..., strings_only=True)` (lazy labels are translated at each call).
A model that writes its own `get_FOO_display` keeps it. Measured in docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partialmethod
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

# The method Django makes each get_FOO_display from (a private one of Model).
DJANGOS = getattr(models.Model, "_get_FIELD_display")  # noqa: B009 - private to Django

# {id(field): (the field's choices object when the dict was built, {value: label})}
_LABELS: dict[int, tuple[Any, dict[Any, Any]]] = {}


def _labels(field: models.Field) -> dict[Any, Any]:
    choices = field.choices
    kept = _LABELS.get(id(field))
    if kept is None or kept[0] is not choices:
        kept = (choices, dict(make_hashable(field.flatchoices)))
        _LABELS[id(field)] = kept
    return kept[1]


def _display(self: models.Model, *, field: models.Field) -> Any:
    value = getattr(self, field.attname)
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


def install(model_classes: Iterable[type[models.Model]]) -> int:
    """Put the keeping `get_FOO_display` on every field with choices of `model_classes`
    whose method is still Django's own; returns how many methods were replaced."""
    replaced = 0
    for model in model_classes:
        for field in model._meta.fields:
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if not isinstance(method, partialmethod):
                continue
            if method.func is not DJANGOS:
                continue
            setattr(model, name, partialmethod(_display, field=field))
            replaced += 1
    return replaced
