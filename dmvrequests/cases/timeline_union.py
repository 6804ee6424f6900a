"""Tables of different shapes read in one query: a `UNION ALL` of one arm per table (the
timeline's sources, `cases.timeline`; the case page's lists, `cases.page_rows`).

An arm is the case's rows of one model (a history table, letters, decisions...). Each arm
selects two columns, its number and the row as a JSON object (every concrete field by its
attribute name, the fields of the rows it joins, `"document__type"`, and any `extra`
expression), so arms of different tables stack in one statement on SQLite and PostgreSQL
alike. The rows come back as model instances marked as read from the database, with their
joined objects attached; they are for reading (the page, the timeline's wording), never
saved from here.

Values are made back from JSON field by field (`_from_json`): times and dates from their
ISO text (SQLite's naive text is UTC), booleans from 0/1, decimals from their digits, JSON
columns embedded as JSON (SQLite's `JSON()`, PostgreSQL's jsonb as it is). A joined object
carries only its primary key and the fields asked for (`PERSON`: enough for a name).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Func, Value
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from dmvrequests.cases import union_sql

# PostgreSQL accepts 100 arguments per function: a JSON object of more pairs is cut in parts.
PAIRS_PER_OBJECT = 40
# What a person's name is made of (User.__str__): the fields joined for the people rows
# point to.
PERSON = ("username", "first_name", "last_name")
PART = "timeline_part_"


class _EmbeddedJSON(Func):
    """A JSON column (or a subquery giving JSON) inside a JSON object as JSON, not as its
    text (SQLite stores and gives JSON as text)."""

    function = "JSON"
    output_field = models.JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])


@dataclass(frozen=True)
class Arm:
    """One source of the union: `rows(case)` is a queryset of `model`; `joins` names the
    foreign keys whose objects come with each row (`{"document": ("type",)}`; the
    related object is built with its primary key and those fields); `leave_out` names
    fields not read (large texts the wording does not use). Binary fields are never read:
    JSON cannot hold bytes."""

    model: type[models.Model]
    rows: Callable[[Any], models.QuerySet]
    joins: Mapping[str, Sequence[str]] = field(default_factory=dict)
    leave_out: frozenset[str] = frozenset()
    # {attribute: expression}: values computed with the row (a subquery's JSON, say), set
    # on the instance as read.
    extra: Mapping[str, Any] = field(default_factory=dict)

    def fields(self) -> list[models.Field]:
        return [
            f
            for f in self.model._meta.concrete_fields
            if f.name not in self.leave_out and not isinstance(f, models.BinaryField)
        ]

    def payload(self) -> dict[str, Any]:
        """{key: expression} of the JSON object each row is read as."""
        values: dict[str, Any] = {f.attname: _as_json(f, f.attname) for f in self.fields()}
        for relation, names in self.joins.items():
            related = _related_model(self.model, relation)
            for name in names:
                target = related._meta.get_field(name)
                values[f"{relation}__{name}"] = _as_json(target, f"{relation}__{target.attname}")
        for name, expression in self.extra.items():
            values[f"extra__{name}"] = _EmbeddedJSON(expression)
        return values

    def instance(self, payload: Mapping[str, Any], db: str = "default") -> Any:
        """The row as an instance of `model` read from `db`, its joined objects attached."""
        row = self.model(
            **{f.attname: _from_json(f, payload.get(f.attname)) for f in self.fields()}
        )
        row._state.adding, row._state.db = False, db
        for relation, names in self.joins.items():
            pk = getattr(row, f"{relation}_id")
            if pk is None:
                continue
            related = _related_model(self.model, relation)
            values = {
                name: _from_json(related._meta.get_field(name), payload.get(f"{relation}__{name}"))
                for name in names
            }
            setattr(row, relation, related(pk=pk, **values))
        for name in self.extra:
            setattr(row, name, payload.get(f"extra__{name}"))
        return row


def _related_model(model: type[models.Model], relation: str) -> Any:
    """The model a foreign key of `model` points to."""
    return model._meta.get_field(relation).related_model


def _as_json(model_field: models.Field, path: str) -> Any:
    expression = models.F(path)
    return _EmbeddedJSON(expression) if isinstance(model_field, models.JSONField) else expression


def _json_object(values: Mapping[str, Any]) -> JSONObject:
    items = list(values.items())
    if len(items) <= PAIRS_PER_OBJECT:
        return JSONObject(**dict(items))
    parts = [items[i : i + PAIRS_PER_OBJECT] for i in range(0, len(items), PAIRS_PER_OBJECT)]
    return JSONObject(**{f"{PART}{n}": JSONObject(**dict(part)) for n, part in enumerate(parts)})


def _merged(payload: Mapping[str, Any]) -> dict[str, Any]:
    if not any(key.startswith(PART) for key in payload):
        return dict(payload)
    merged: dict[str, Any] = {}
    for part in payload.values():
        merged.update(part)
    return merged


def _aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment, datetime.UTC) if timezone.is_naive(moment) else moment


def _from_json(model_field: Any, value: Any) -> Any:
    """The Python value of `model_field` from its JSON form (None stays None)."""
    if value is None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return _aware(parse_datetime(value) or datetime.datetime.fromisoformat(value))
    if isinstance(model_field, models.DateField):
        return parse_date(value)
    if isinstance(model_field, models.TimeField):
        return parse_time(value)
    if isinstance(model_field, models.BooleanField):
        return bool(value)
    if isinstance(model_field, models.DecimalField):
        return decimal.Decimal(str(value))
    if isinstance(model_field, models.UUIDField):
        return uuid.UUID(str(value))
    if isinstance(model_field, models.DurationField):
        return datetime.timedelta(microseconds=int(value))
    return value


def _union(case: Any, arms: Sequence[Arm]) -> models.QuerySet:
    selects = [
        arm.rows(case)
        .order_by()
        .annotate(
            timeline_arm=Value(n, models.IntegerField()), timeline_row=_json_object(arm.payload())
        )
        .values_list("timeline_arm", "timeline_row")
        for n, arm in enumerate(arms)
    ]
    return selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]


def read_arms(case: Any, arms: Sequence[Arm]) -> list[list[Any]]:
    """The rows of every arm for `case`, in one query: a list of instances per arm, in
    the order of `arms` (rows in no particular order; each arm sorts its own).

    The statement is compiled once per shape of `arms` (union_sql.compiled): building it
    through the ORM took longer than running it (about 90 ms against 13 for the case
    page's lists, under load)."""
    if not arms:
        return []
    found: list[list[Any]] = [[] for _ in arms]
    for n, payload in union_sql.rows(case, arms, _union, (PAIRS_PER_OBJECT,)):
        found[n].append(arms[n].instance(_merged(payload), union_sql.DB))
    return found


def ordered(rows: Iterable[Any], keys: Sequence[str]) -> list[Any]:
    """`rows` sorted as `ORDER BY keys` would (a leading "-" descends; None first)."""
    result = list(rows)
    for key in reversed(keys):
        result.sort(key=_sort_key(key.lstrip("-")), reverse=key.startswith("-"))
    return result


def _sort_key(name: str) -> Callable[[Any], tuple[bool, Any]]:
    def key(row: Any) -> tuple[bool, Any]:
        value = getattr(row, name)
        return (value is not None, value)

    return key
