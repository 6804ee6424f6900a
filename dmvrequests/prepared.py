"""A query run on every page, compiled to SQL once instead of on every request.

Django compiles a QuerySet to SQL each time it runs: for the signed-in user's query (the
account with its office, its agency officer and a subquery of its roles; every page runs it)
that is about 0.9 ms of CPU, where PostgreSQL answers it in 0.1 ms (docs/performance.md).
`PreparedQuery(build, probes)` compiles `build(*probes)` once per database connection and
keeps Django's compiler with its SQL; each later run puts its own values in place of the
probes among the parameters and lets Django's own iterable make the rows (the related objects
of `select_related`, annotations, converters), exactly as the QuerySet would.

The rule `build` must keep: its arguments are used only as values of the query (in a filter),
never to choose the query's shape. The guards, as for the timeline's union (cases/union_sql.py):
- a probe must appear among the compiled parameters as itself, at least once; otherwise the
  query is never prepared and every run compiles it the ORM's way;
- the first run on each connection is also compiled the ORM's way, and the prepared SQL is
  kept only if both give the same SQL and the same parameters; otherwise (a warning is logged)
  every later run compiles it the ORM's way.
`dmvrequests/tests/test_prepared.py` holds them.

On PostgreSQL the SQL is also prepared on the server (`server_prepared`), once per connection:
PostgreSQL then parses and plans it once, not on every run. For the case page's union of a
dozen tables (cases/union_sql.py, about 27,000 characters of SQL) that was 8 to 9 ms of its
11 at 1,000,000 cases; for the signed-in user's query, about 0.6 ms of every page
(docs/performance.md, "Prepared on the server").
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# Off in the tests that compare both ways; never off in production.
ENABLED = True
CONNECTION_ATTRIBUTE = "prepared_queries"


def _preparing_cursor_class() -> type:
    from django.db.backends.postgresql import base

    # Django's psycopg 3 cursor that binds on the server (callproc and all).
    server_binding: Any = base.ServerBindingCursor

    class PreparingCursor(server_binding):
        """psycopg's server-binding cursor (the parameters sent apart from the SQL, typed by
        their Python type), each statement prepared on its connection the first time it
        runs and executed by name after that."""

        def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
            done = super().execute(query, params, **{**options, "prepare": True})
            # Run by name, the statement leaves no text where Django's query log reads it
            # (`_query.query`, as after a client-bound run): the text with its values,
            # written only if the log asks.
            self._query = _StatementText(self.connection, query, params)
            return done

    return PreparingCursor


class _StatementText:
    """What Django's query log reads of a psycopg cursor's last query (`.query`, bytes): the
    statement with its values written in, made when read."""

    __slots__ = ("_connection", "_sql", "_params")

    def __init__(self, connection: Any, sql: Any, params: Any) -> None:
        self._connection, self._sql, self._params = connection, sql, params

    @property
    def query(self) -> bytes:
        from psycopg import ClientCursor

        text: str = ClientCursor(self._connection).mogrify(self._sql, self._params)
        return text.encode()


@contextmanager
def server_prepared(using: str = "default") -> Iterator[None]:
    """Inside the block, the queries run through `connections[using]` are prepared on the
    server, once per connection and parameter types, and run by name after that; Django's
    cursor wrapper stays around them (its query log, execute wrappers, error translation).

    Use it around a single query of a fixed shape whose parameters are values only (the
    rule above): psycopg keeps 100 statements per connection. Does nothing on a database
    other than PostgreSQL or when DATABASE_PREPARED_STATEMENTS is off (the connection's
    `prepare_threshold` is None)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        yield
        return
    global _PREPARING_CURSOR
    if _PREPARING_CURSOR is None:
        _PREPARING_CURSOR = _preparing_cursor_class()
    kept = raw.cursor_factory
    raw.cursor_factory = _PREPARING_CURSOR
    try:
        yield
    finally:
        raw.cursor_factory = kept


_PREPARING_CURSOR: type | None = None
_KEYS = itertools.count()


@dataclass
class _Compiled:
    queryset: QuerySet[Any]  # build(*probes)
    compiler: Any  # Django's SQLCompiler of it, set up by its first as_sql()
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (parameter index, probe index)
    checked: bool = False

    def params_for(self, values: Sequence[Any]) -> tuple[Any, ...]:
        params = list(self.params)
        for at, probe in self.slots:
            params[at] = values[probe]
        return tuple(params)


class PreparedQuery:
    """`build(*values)` -> QuerySet, compiled once per connection; `run(*values)` -> list.

    `probes` are values of the same types as the real ones that no real run uses (a negative
    id, say): one per argument of `build`; None for an argument that is not a parameter of
    this query (a shape that does not read it: the first run's check holds that it changes
    nothing). `using` is the database alias."""

    def __init__(
        self, build: Callable[..., QuerySet[Any]], probes: Sequence[Any], using: str = "default"
    ) -> None:
        self.build = build
        self.probes = tuple(probes)
        self.using = using
        # Its key on a connection: never used by another query, where id(self) would be by a
        # query made after this one is collected (a test's), finding this one's SQL.
        self.key = next(_KEYS)

    def run(self, *values: Any) -> list[Any]:
        """The rows `build(*values)` gives (a list of model instances, as iterating it)."""
        connection = connections[self.using]
        # Kept on the connection (each thread has its own, and its compiler is bound to it):
        # {PreparedQuery.key: _Compiled, or None when the query cannot be prepared}.
        kept = connection.__dict__.setdefault(CONNECTION_ATTRIBUTE, {})
        if self.key not in kept:
            kept[self.key] = self._prepare(connection)
        compiled = kept[self.key]
        if not ENABLED or compiled is None:
            return list(self.build(*values).using(self.using))
        params = compiled.params_for(values)
        if not compiled.checked and not self._check(compiled, values, params, kept):
            return list(self.build(*values).using(self.using))
        with server_prepared(self.using):
            return list(self._prepared(compiled, params))

    def first(self, *values: Any) -> Any:
        """The first row `build(*values)` gives, or None."""
        found = self.run(*values)
        return found[0] if found else None

    def _prepare(self, connection: Any) -> _Compiled | None:
        queryset = self.build(*self.probes).using(self.using)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [
            (at, probe_at)
            for at, param in enumerate(params)
            for probe_at, probe in enumerate(self.probes)
            if probe is not None and type(param) is type(probe) and param == probe
        ]
        wanted = {at for at, probe in enumerate(self.probes) if probe is not None}
        if {probe for _, probe in slots} != wanted:
            # SQLite's backend turns a time into text while compiling: such a query is
            # compiled the ORM's way there, as it is wherever a probe is not found.
            logger.debug("Query %s: a probe is not among its parameters", self.build)
            return None
        return _Compiled(queryset, compiler, sql, tuple(params), tuple(slots))

    def _check(
        self, compiled: _Compiled, values: Sequence[Any], params: Any, kept: dict[int, Any]
    ) -> bool:
        query = self.build(*values).using(self.using).query
        sql, real = query.get_compiler(connection=compiled.compiler.connection).as_sql()
        if sql == compiled.sql and tuple(real) == params:
            compiled.checked = True
            return True
        logger.warning("Query %s: its SQL depends on more than its values", self.build)
        kept[self.key] = None
        return False

    @staticmethod
    def _prepared(compiled: _Compiled, params: tuple[Any, ...]) -> QuerySet[Any]:
        """A clone of the probes' QuerySet whose compiler is the kept one, giving the kept
        SQL with `params`: iterating it runs Django's own row-making."""
        compiler, sql = compiled.compiler, compiled.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        clone = compiled.queryset.all()
        clone.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        return clone
