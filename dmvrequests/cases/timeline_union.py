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
        return _plan(self).build(payload, db, {})


# A slot per concrete field, in the model's order: (the key of its JSON value, the
# converter of that value, the field's default maker): a key of None takes the default.
_Slots = tuple[tuple[str | None, Callable[[Any], Any] | None, Callable[[], Any]], ...]


@dataclass(frozen=True)
class _Plan:
    """How an arm's JSON rows become instances, worked out once per arm's shape: the
    instance is made positionally (the fast way `Model.from_db` uses), a field not read
    taking its default as `Model(**kwargs)` would give it; each joined object likewise,
    with its primary key and the fields asked for."""

    model: type[models.Model]
    slots: _Slots
    # (relation, its foreign key's attribute, the related model, its slots)
    joins: tuple[tuple[str, str, type[models.Model], _Slots], ...]
    extra: tuple[str, ...]

    def build(self, payload: Mapping[str, Any], db: str, joined: dict[Any, Any]) -> Any:
        """The instance of `payload`; `joined` {(id of the slots, pk): object} keeps the joined
        objects made so far in this read: a person who wrote a hundred of the rows is made
        once, and the rows share it."""
        row = self.model(*_values(self.slots, payload))
        row._state.adding, row._state.db = False, db
        for relation, fk_attname, related, slots in self.joins:
            pk = getattr(row, fk_attname)
            if pk is not None:
                known = joined.get((id(slots), pk))
                if known is None:
                    known = joined[(id(slots), pk)] = related(*_values(slots, payload, pk))
                setattr(row, relation, known)
        for name in self.extra:
            setattr(row, name, payload.get(f"extra__{name}"))
        return row


def _values(slots: _Slots, payload: Mapping[str, Any], pk: Any = None) -> list[Any]:
    values = []
    for key, convert, default in slots:
        if key is None:
            values.append(default())
        elif key == "pk":
            values.append(pk)
        else:
            value = payload.get(key)
            values.append(value if value is None or convert is None else convert(value))
    return values


# {(model, fields left out, joins, extra): _Plan}: the arms of the case page are made
# afresh on each request; their plans are not.
_PLANS: dict[tuple[Any, ...], _Plan] = {}


def _plan(arm: Arm) -> _Plan:
    joins_key = tuple((relation, tuple(names)) for relation, names in arm.joins.items())
    key = (arm.model, arm.leave_out, joins_key, tuple(arm.extra))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _make_plan(arm, joins_key)
    return plan


def _make_plan(arm: Arm, joins_key: tuple[tuple[str, tuple[str, ...]], ...]) -> _Plan:
    read = {f.attname: f.attname for f in arm.fields()}
    joins = []
    for relation, names in joins_key:
        related = _related_model(arm.model, relation)
        fk_attname = f"{relation}_id"  # a foreign key's attribute (Model.__init__'s)
        keys = {related._meta.get_field(name).attname: f"{relation}__{name}" for name in names}
        keys[related._meta.pk.attname] = "pk"
        joins.append((relation, fk_attname, related, _slots(related, keys)))
    return _Plan(arm.model, _slots(arm.model, read), tuple(joins), tuple(arm.extra))


def _slots(model: type[models.Model], keys: Mapping[str, str]) -> _Slots:
    """`model`'s slots: {attribute name: key of its value} for the fields read."""
    return tuple(
        (keys.get(f.attname), _converter(f), f.get_default) for f in model._meta.concrete_fields
    )


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


def _merged(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    # A cut object always has its part 0 (_json_object); no field is named like it.
    if f"{PART}0" not in payload:
        return payload
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
    convert = _converter(model_field)
    return value if convert is None else convert(value)


def _converter(model_field: Any) -> Callable[[Any], Any] | None:
    """The function that makes a (non-null) JSON value of `model_field` its Python value;
    None when the JSON value is the Python value (texts, numbers, JSON)."""
    if isinstance(model_field, models.DateTimeField):
        return _datetime
    if isinstance(model_field, models.DateField):
        return parse_date
    if isinstance(model_field, models.TimeField):
        return parse_time
    if isinstance(model_field, models.BooleanField):
        return bool
    if isinstance(model_field, models.DecimalField):
        return lambda value: decimal.Decimal(str(value))
    if isinstance(model_field, models.UUIDField):
        return lambda value: uuid.UUID(str(value))
    if isinstance(model_field, models.DurationField):
        return lambda value: datetime.timedelta(microseconds=int(value))
    return None


def _datetime(value: str) -> datetime.datetime:
    return _aware(parse_datetime(value) or datetime.datetime.fromisoformat(value))


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
    plans = [_plan(arm) for arm in arms]
    joined: dict[Any, Any] = {}
    for n, payload in union_sql.rows(case, arms, _union, (PAIRS_PER_OBJECT,)):
        found[n].append(plans[n].build(_merged(payload), union_sql.DB, joined))
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
