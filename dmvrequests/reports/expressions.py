"""SQL the ORM does not spell the same way on every database.

Each expression compiles to PostgreSQL's own syntax and to a SQLite
equivalent, so statistics stay database aggregations on both engines: the
embedded default (SQLite) and production (PostgreSQL).
"""

import json

from django.db.models import (
    Aggregate,
    BooleanField,
    CharField,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Value,
)


class JSONArrayContains(Func):
    """True when the JSON list in `field` holds `value` (e.g. a released category).

    Django's `__contains` on a JSONField is not available on SQLite, so each
    engine gets its own form: `@>` on PostgreSQL, `json_each` on SQLite.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, field, value):
        self.needle = value
        super().__init__(F(field))

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra):
        # Dispatched here rather than in as_<vendor>: an aggregate's FILTER clause
        # calls as_sql() directly, bypassing the compiler's vendor lookup.
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"({sql} @> %s::jsonb)", (*params, json.dumps([self.needle]))
        if connection.vendor == "sqlite":
            # `sql` is the compiled column name; the value travels as a parameter.
            return (
                f"EXISTS (SELECT 1 FROM json_each({sql}) WHERE json_each.value = %s)",  # noqa: S608  # nosec B608
                (*params, self.needle),
            )
        raise NotImplementedError(f"JSONArrayContains is not written for {connection.vendor}.")


class PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont: the value at `fraction`, interpolated linearly."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction is between 0 and 1.")
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochSeconds(Func):
    """A duration as seconds (float). PostgreSQL: EXTRACT(EPOCH ...); SQLite stores
    durations as microseconds, so there it is a division."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"EXTRACT(EPOCH FROM {sql})::double precision", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) / 1000000.0)", params


def time_to_decision():
    """received_at → decided_at, as a duration the database can sort."""
    return ExpressionWrapper(F("decided_at") - F("received_at"), output_field=DurationField())


def text(value):
    """A string literal usable in Case/When and Coalesce on every engine."""
    return Value(value, output_field=CharField())
