"""The SQL of a case's `UNION ALL` (timeline_union.read_arms), compiled once per shape.

Building the union through the ORM (a JSON object of every field of a dozen tables) cost
more than running it: 90 ms of Python against 13 ms in PostgreSQL for the case page's
lists, measured at 20,000 cases under load. Its text depends on the case only through the
values it is filtered by (the case's id, number, office, agency), so it is compiled once
for a *probe* case whose fields hold sentinel values, and each later case's values are put
in place of the sentinels among the parameters.

The rule an arm must keep (timeline_union.Arm): `rows(case)` uses the case's fields only
as values in the query, never to choose the query's shape. Two guards hold it:
- the first real case of a shape is also compiled the ORM's way, and the shape is cached
  only if both give the same SQL and the same parameters; otherwise it is compiled every
  time (and a warning is logged);
- a parameter holding a sentinel in any other form than the field's own value (inside a
  longer text, say) makes the shape uncacheable.
`cases/tests/test_union_sql.py` compares both ways on the case page and the timeline.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, models

from dmvrequests.prepared import server_prepared

logger = logging.getLogger(__name__)

# Off in the tests that compare both ways; never off in production.
ENABLED = True
# The arms read the cases' tables, which live in the default database (no routers).
DB = "default"
PROBE_MARK = "\x1fprobe:"
_FIRST_SENTINEL = -7_301_000_000


@dataclass(frozen=True)
class Compiled:
    """A union's SQL and its parameters; `fields[i]` is the case attribute parameter `i`
    takes its value from (None: a constant)."""

    sql: str
    params: tuple[Any, ...]
    fields: tuple[str | None, ...]

    def params_for(self, case: Any) -> list[Any]:
        return [
            value if name is None else getattr(case, name)
            for value, name in zip(self.params, self.fields, strict=True)
        ]


# {shape: Compiled, or None when the shape cannot be cached}
_CACHE: dict[tuple[Any, ...], Compiled | None] = {}


def _probe(model: type[models.Model]) -> tuple[Any, dict[Any, str]]:
    """An unsaved instance of `model` with a sentinel in every integer and text field, and
    {sentinel: attribute name}."""
    values: dict[str, Any] = {}
    for n, field in enumerate(model._meta.concrete_fields):
        if isinstance(field, models.IntegerField | models.AutoField | models.ForeignKey):
            values[field.attname] = _FIRST_SENTINEL - n
        elif isinstance(field, models.CharField | models.TextField):
            values[field.attname] = f"{PROBE_MARK}{field.attname}"
    return model(**values), {value: name for name, value in values.items()}


def _shape(arms: Sequence[Any], variant: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """What the SQL of `arms` depends on besides the case; None when an arm's rows are not
    a plain function (nothing to key them by)."""
    keys: list[Any] = [connections[DB].vendor, variant]
    for arm in arms:
        code = getattr(arm.rows, "__code__", None)
        if code is None:
            return None
        closure = tuple(id(cell.cell_contents) for cell in arm.rows.__closure__ or ())
        joins = tuple((name, tuple(fields)) for name, fields in arm.joins.items())
        keys.append(
            (arm.model._meta.label_lower, code, closure, joins, arm.leave_out, tuple(arm.extra))
        )
    return tuple(keys)


def _sql(query: models.QuerySet) -> tuple[str, tuple[Any, ...]]:
    sql, params = query.query.get_compiler(using=DB).as_sql()
    return sql, tuple(params)


def _compile(case: Any, arms: Sequence[Any], union: Callable[..., Any]) -> Compiled | None:
    """The shape compiled with a probe, checked against `case` compiled the ORM's way."""
    probe, sentinels = _probe(type(case))
    sql, params = _sql(union(probe, arms))
    fields: list[str | None] = []
    for value in params:
        name = sentinels.get(value) if isinstance(value, int | str) else None
        if name is None and isinstance(value, str) and PROBE_MARK in value:
            return None  # a case field inside a longer text: not a value we can swap
        fields.append(name)
    compiled = Compiled(sql, params, tuple(fields))
    if _sql(union(case, arms)) != (compiled.sql, tuple(compiled.params_for(case))):
        logger.warning("A union's SQL depends on its case beyond its values: not cached.")
        return None
    return inline_names(compiled)


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def inline_names(compiled: Compiled) -> Compiled:
    """`compiled` with each constant parameter that is a name (the JSON objects' keys, a few
    hundred in a case page's union) written into the SQL as a quoted literal, the others kept
    as parameters: psycopg turns a statement's placeholders into values in Python on every
    execution, about 0.8 ms for the case page's 382 parameters, 0.05 for the 30 left
    (docs/performance.md). A name holds no quote, so quoting it needs no escape. Left as it is
    when the SQL holds a literal percent sign (`%%`), where counting placeholders would not do."""
    if "%%" in compiled.sql or compiled.sql.count("%s") != len(compiled.params):
        return compiled
    pieces = compiled.sql.split("%s")
    sql, params, fields = [pieces[0]], [], []
    for value, field, piece in zip(compiled.params, compiled.fields, pieces[1:], strict=True):
        if field is None and isinstance(value, str) and NAME.fullmatch(value):
            sql.append(f"'{value}'")
        else:
            sql.append("%s")
            params.append(value)
            fields.append(field)
        sql.append(piece)
    return Compiled("".join(sql), tuple(params), tuple(fields))


def rows(
    case: Any, arms: Sequence[Any], union: Callable[..., Any], variant: tuple[Any, ...] = ()
) -> list[tuple[int, Any]]:
    """[(arm number, row as a dict)] of `union(case, arms)` (a values_list queryset of each
    row's arm number and JSON object), read with the cached SQL where it can be; `variant`
    holds whatever else the union's SQL depends on (how JSON objects are cut)."""
    shape = _shape(arms, variant) if ENABLED else None
    if shape is not None and shape not in _CACHE:
        _CACHE[shape] = _compile(case, arms, union)
    compiled = _CACHE.get(shape) if shape is not None else None
    if compiled is None:
        return list(union(case, arms))
    with server_prepared(DB), connections[DB].cursor() as cursor:
        cursor.execute(compiled.sql, compiled.params_for(case))
        found = cursor.fetchall()
    # The ORM's JSONField reads the object from its text the same way (json.loads).
    return [(n, json.loads(row) if isinstance(row, str) else row) for n, row in found]
