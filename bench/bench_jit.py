"""A page measured with PostgreSQL's JIT compiler on (the server's default) and off.

    from bench_jit import compare; compare(page, rounds=3, iterations=30)

PostgreSQL compiles a query to machine code when its estimated cost passes
`jit_above_cost` (100,000 by default). The first-name search's count and page sit just
above it, and compiling takes longer than the query itself (issue 18: 152 ms of 208 ms at
1,000,000 cases). The page is measured in alternating rounds, JIT as the server sets it,
then JIT off for every connection Django opens (`SET jit = off` on connection, which is
what `DATABASE_JIT=off` does through the connection's options: docs/operations.md); each
figure is the median over its rounds, as in bench_pages.
"""

import json
import statistics

from bench_pages import measure


def _jit_off(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


def _round(page, iterations, *, jit_off):
    from django.db import connection
    from django.db.backends.signals import connection_created

    connection.close()  # the next request opens a connection of its own
    if jit_off:
        connection_created.connect(_jit_off)
    try:
        (result,) = measure([page], rounds=1, iterations=iterations, report=lambda *a: None)
    finally:
        connection_created.disconnect(_jit_off)
        connection.close()
    return result


def compare(page, *, rounds=3, iterations=30):
    """{"jit_on": {...}, "jit_off": {...}} for `page`: p50 and p95 in ms (medians over the
    rounds), the query count and the number of requests timed."""
    found: dict[str, list] = {"jit_on": [], "jit_off": []}
    for _ in range(rounds):
        found["jit_on"].append(_round(page, iterations, jit_off=False))
        found["jit_off"].append(_round(page, iterations, jit_off=True))
    timed = {
        setting: {
            "page": page.label,
            "p50_ms": round(statistics.median(r.p50_ms for r in results), 1),
            "p95_ms": round(statistics.median(r.p95_ms for r in results), 1),
            "queries": results[-1].queries,
            "samples": sum(r.samples for r in results),
        }
        for setting, results in found.items()
    }
    return {**timed, "forced_compile": forced_compile(page)}


def _explained(cursor, sql, *, jit):
    """(execution ms, estimated cost, JIT ms or None) of `sql` by EXPLAIN ANALYZE."""
    cursor.execute(f"SET jit = {'on' if jit else 'off'}")
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
    found = cursor.fetchone()[0]
    top = (found if isinstance(found, list) else json.loads(found))[0]
    compiled = top.get("JIT", {}).get("Timing", {}).get("Total")
    return round(top["Execution Time"], 1), top["Plan"]["Total Cost"], compiled


def _kind(sql):
    """What a query of the cases table is for: the pager's count, the search's ids of its
    newest matches (cases/search.py), or a page's rows."""
    if sql.startswith("SELECT COUNT"):
        return "count"
    return "matches" if sql.startswith("SELECT * FROM (") else "page"


def forced_compile(page, *, threshold=1000, requests=3):
    """The page's queries of the cases table, explained with JIT off, then with JIT on and
    `jit_above_cost` lowered to `threshold` so that they compile as they do at a size where
    their estimate passes the default threshold (at 1,000,000 cases): [{"query", "cost",
    "jit_off_ms", "jit_on_ms", "compile_ms"}]. Read-only: EXPLAIN ANALYZE of SELECTs."""
    from bench_pages import _client_for, _urls
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, urls, found = _client_for(page.username), _urls(page), []
    for _ in range(requests):
        with CaptureQueriesContext(connection) as captured:
            client.get(next(urls))
        selects = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith("SELECT") and "cases_disclosurerequest" in q["sql"]
        ]
        with connection.cursor() as cursor:
            for sql in selects:
                off, cost, _ = _explained(cursor, sql, jit=False)
                cursor.execute("SET jit_above_cost = %s", [threshold])
                on, _, compiled = _explained(cursor, sql, jit=True)
                cursor.execute("RESET jit_above_cost")
                cursor.execute("RESET jit")
                kind = _kind(sql)
                found.append(
                    {
                        "query": kind,
                        "cost": cost,
                        "jit_off_ms": off,
                        "jit_on_ms": on,
                        "compile_ms": compiled,
                    }
                )
    return found


def table(comparison, cases):
    """The comparison as a markdown table for docs/performance.md."""
    on, off = comparison["jit_on"], comparison["jit_off"]
    forced = comparison.get("forced_compile", [])
    lines = [
        "",
        f"The same queries explained at {cases:,} cases with `jit_above_cost` lowered to 1,000, "
        "so that they compile as they do once their estimate passes the default 100,000:",
        "",
        "| Query | Estimated cost | JIT off (ms) | JIT on (ms) | of which compiling (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {q['query']} | {q['cost']:,.0f} | {q['jit_off_ms']} | {q['jit_on_ms']} "
        f"| {'—' if q['compile_ms'] is None else round(q['compile_ms'], 1)} |"
        for q in forced
    ]
    return "\n".join(
        [
            f"| {on['page']}, {cases:,} cases | p50 (ms) | p95 (ms) | Queries |",
            "|---|---:|---:|---:|",
            f"| JIT as the server sets it (default: on) | {on['p50_ms']} | {on['p95_ms']} "
            f"| {on['queries']} |",
            f"| JIT off (`DATABASE_JIT=off`) | {off['p50_ms']} | {off['p95_ms']} "
            f"| {off['queries']} |",
            *(lines if forced else []),
        ]
    )
