"""The case export as CSV written by PostgreSQL itself (`COPY ... TO STDOUT`).

One query formats every cell the way formats.csv_text does, and psycopg 3 streams the
result in the blocks PostgreSQL sends: almost no Python per row (0.4 s of Python for
200,000 rows, where the Python writer spends about 4 s), so the database's own work is
the export's time (docs/performance.md). Same columns, in the same order, with the
same spelling:

- text that a spreadsheet would run as a formula (starting with = + - @, a tab or a
  carriage return) gets a leading apostrophe (formats.FORMULA_STARTS, OWASP CSV
  injection); vocabulary codes and lists of codes are left as they are, as in Python;
- an empty value is an empty unquoted field (NULL), not `""`;
- yes/no for booleans; dates as YYYY-MM-DD; times in the state's time zone as
  2026-03-01T12:00:00-05:00 (the transaction's TimeZone is set for the COPY);
- lists joined with ";"; hours to decision rounded to one decimal, half away from zero
  (exports._hours does the same); lines end with CRLF like Python's csv module.

The standing decision, the first release and the document types of each case are
read for the export's cases only: for a large export, three subqueries of one row per
case joined by id (related_joins); for a few cases, a lookup per case (lookup_joins).
case_select() is also the query of the database's XLSX (xlsxexport.py). Used on
PostgreSQL for the cases dataset in CSV (exports.text_chunks, exports.write_export);
SQLite and JSON keep the Python writer. A test holds the two CSV writers to the same
bytes, both ways of reading the related rows included.
"""

import codecs
import csv
import io
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min

from dmvrequests.agencies.models import Agency
from dmvrequests.cases.models import (
    Decision,
    DisclosureRequest,
    LegalDocument,
    Release,
    SubjectNotice,
)
from dmvrequests.reports import casefacts, parallelcopy
from dmvrequests.reports.filters import day_start
from dmvrequests.reports.formats import CASES, CSV, FORMULA_STARTS

ISO_TIME = 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM'


def available(fmt, dataset, rows):
    """True when this writer serves the export: PostgreSQL, CSV, the cases dataset."""
    return connection.vendor == "postgresql" and fmt == CSV and dataset == CASES and rows is None


def _guard(sql):
    """Text with the formula guard; '' becomes NULL (an empty unquoted field). NULL and ''
    fall through to NULLIF: one test fewer per cell than asking for them first."""
    return (
        f"CASE WHEN left({sql}, 1) IN ({_starts_list()}) THEN '''' || {sql} "
        f"ELSE NULLIF({sql}, '') END"
    )


def _starts_list():
    # chr() for the control characters: nothing unprintable in the SQL text.
    return ", ".join(f"chr({ord(c)})" for c in sorted(FORMULA_STARTS))


def _plain(sql):
    """A code of our vocabulary: as it is, '' as NULL."""
    return f"NULLIF({sql}, '')"


def _time(sql):
    return f"to_char({sql}, '{ISO_TIME}')"


def _day(sql):
    return f"to_char({sql}, 'YYYY-MM-DD')"


def _yes_no(sql):
    return f"CASE WHEN {sql} THEN 'yes' ELSE 'no' END"


def _joined(sql):
    """A JSON list's items joined with ';' (str() of each: strings as they are).

    NULL and [] are NULL (an empty field) without a look at the text. A list of strings
    of [a-z0-9_;] only (every list we store: vocabulary codes) is joined by editing its
    JSON text: jsonb writes `["a", "b"]`, whose `", "` separators become ';' and whose
    ends are then trimmed; the regular expression lets no quote, bracket, comma, space or
    backslash stay between the ends, so the text was exactly such a list. Anything else
    goes through jsonb_array_elements. About half the time of the regular expression of
    the list's structure and translate() used before (docs/performance.md)."""
    # `sql` is a column name of ours, never input.
    general = (
        f"NULLIF(array_to_string(ARRAY(SELECT CASE jsonb_typeof(e) WHEN 'string' "  # noqa: S608  # nosec B608
        f"THEN e #>> '{{}}' ELSE e::text END FROM jsonb_array_elements("
        f"CASE WHEN jsonb_typeof({sql}) = 'array' THEN {sql} ELSE '[]'::jsonb END) e), ';'), '')"
    )
    separated = f"replace(({sql})::text, '\", \"', ';')"
    return (
        f"CASE WHEN {sql} IS NULL OR {sql} = '[]'::jsonb THEN NULL "
        f"WHEN {separated} ~ '^\\[\"[a-z0-9_;]*\"\\]$' "
        f"THEN NULLIF(btrim({separated}, '[]\"'), '') "
        f"ELSE {general} END"
    )


def primary_sql(types_sql):
    """casefacts.primary_of: the strongest type offered, else "none"."""
    ranked = " ".join(
        f"WHEN '{kind.value}' = ANY({types_sql}) THEN '{kind.value}'"
        for kind in casefacts.PROCESS_STRENGTH
    )
    return f"CASE {ranked} ELSE 'none' END"


def outcome_sql():
    """casefacts.outcome_of(status, standing outcome, standing reason)."""
    return (
        "CASE WHEN c.status = 'withdrawn' THEN 'withdrawn' "
        "WHEN dec.outcome IS NULL THEN 'pending' "
        "WHEN dec.outcome = 'denied' THEN 'denied' "
        "WHEN dec.reason = 'approved_partial' THEN 'approved_partial' "
        "ELSE 'approved' END"
    )


def _columns(include_identifiers):
    columns = [
        _guard("c.number"),
        _plain("c.status"),
        _plain("c.channel"),
        _time("c.received_at"),
        _guard("o.name"),
        _guard("a.name"),
        _plain("a.kind"),
        _plain("c.purpose"),
        _joined("c.categories"),
        _yes_no("c.emergency"),
        _yes_no("c.bulk"),
        "NULLIF(array_to_string(docs.types, ';'), '')",
        primary_sql("docs.types"),
        outcome_sql(),
        _plain("dec.reason"),
        _joined("dec.categories_approved"),
        _time("c.decided_at"),
        # EXTRACT gives an exact numeric: round() is half away from zero, as _hours.
        "round(EXTRACT(EPOCH FROM (c.decided_at - c.received_at)) / 3600, 1)",
        _time("rel.released_at"),
        _joined("rel.categories"),
        _plain("n.status"),
        _day("n.due_date"),
    ]
    if include_identifiers:
        columns += [
            _guard("c.subject_name"),
            _day("c.subject_dob"),
            _guard("c.subject_license_number"),
            _guard("c.subject_plate"),
            _guard("c.subject_vin"),
            _guard("c.narrative"),
        ]
    return columns


STANDING = "NOT (d.second_approval_required AND d.second_approved_at IS NULL)"
DOCUMENT_TYPES = 'array_agg(DISTINCT l.type COLLATE "C" ORDER BY l.type COLLATE "C")'


def id_bounds(column, id_range):
    """SQL conditions keeping `column` (a case id) in `id_range` (low included, high
    excluded, None: unbounded; parallelcopy.id_ranges), [] for the whole table. The bounds
    are ints of ours, written into the SQL so that the planner sees them."""
    low, high = id_range
    bounds = []
    if low is not None:
        bounds.append(f"{column} >= {int(low)}")
    if high is not None:
        bounds.append(f"{column} < {int(high)}")
    return bounds


def case_filter(filters, id_range=(None, None)):
    """(conditions on cases `c` and their agency `a`, parameters) for `filters`, the cases'
    ids in `id_range` (id_bounds)."""
    # The same bounds as filters.received_between(): instants, the date index serves.
    where = ["c.received_at >= %s", "c.received_at < %s", *id_bounds("c.id", id_range)]
    params = [day_start(filters.date_from), day_start(filters.date_to + timedelta(days=1))]
    if filters.office is not None:
        where.append("c.office_id = %s")
        params.append(filters.office.pk)
    if filters.agency_kind:
        where.append("a.kind = %s")
        params.append(filters.agency_kind)
    return " AND ".join(where), params


# From this many cases on, the related rows are joined whole (related_joins); below, they
# are looked up case by case (lookup_joins). Measured at 200,000 cases under load 5:
# 200,000 rows 6.3 s joined against 8.4 s looked up; 40,000 rows 1.4 s either way;
# 1,081 rows (an office, a month) 0.13 s joined against 0.06 s looked up.
JOIN_FROM_CASES = 40_000
# From this many cases on, the CSV is COPYed in parallel ranges (csv_chunks, parallelcopy).
PARALLEL_FROM_CASES = 40_000


def related_joins(cases, id_range=(None, None)):
    """Each case's standing decision, first release and document types: three subqueries
    of one row per case (DISTINCT ON, GROUP BY), each limited to the export's cases
    (`cases`, a query of their ids; None: not limited) and to `id_range` (id_bounds: one
    range of a parallel COPY reads its part of each table only), merge-joined by case id.
    One pass over each table instead of three index probes per case: the faster for a
    large export. The limits only spare work: the joins keep the export's cases' rows."""
    decisions, releases, documents = (
        " AND ".join(
            ([f"{alias}.case_id IN ({cases})"] if cases is not None else [])
            + id_bounds(f"{alias}.case_id", id_range)
        )
        or "true"
        for alias in ("d", "r", "l")
    )
    # Table names come from the models; `cases` is SQL of ours with placeholders.
    return f"""
        LEFT JOIN (
            SELECT DISTINCT ON (d.case_id) d.case_id, d.outcome, d.reason, d.categories_approved
            FROM {Decision._meta.db_table} d
            WHERE {STANDING} AND {decisions}
            ORDER BY d.case_id, d.decided_at DESC, d.id DESC
        ) dec ON dec.case_id = c.id
        LEFT JOIN (
            SELECT DISTINCT ON (r.case_id) r.case_id, r.released_at, r.categories
            FROM {Release._meta.db_table} r
            WHERE {releases}
            ORDER BY r.case_id, r.released_at, r.id
        ) rel ON rel.case_id = c.id
        LEFT JOIN (
            SELECT l.case_id, {DOCUMENT_TYPES} AS types
            FROM {LegalDocument._meta.db_table} l
            WHERE {documents}
            GROUP BY l.case_id
        ) docs ON docs.case_id = c.id
    """  # noqa: S608  # nosec B608


def lookup_joins():
    """The same three as related_joins, looked up for each case by its id (LATERAL, an
    index probe each): the faster when the filters select few cases."""
    return f"""
        LEFT JOIN LATERAL (
            SELECT d.outcome, d.reason, d.categories_approved
            FROM {Decision._meta.db_table} d
            WHERE d.case_id = c.id AND {STANDING}
            ORDER BY d.decided_at DESC, d.id DESC LIMIT 1
        ) dec ON true
        LEFT JOIN LATERAL (
            SELECT r.released_at, r.categories
            FROM {Release._meta.db_table} r
            WHERE r.case_id = c.id
            ORDER BY r.released_at, r.id LIMIT 1
        ) rel ON true
        LEFT JOIN LATERAL (
            SELECT {DOCUMENT_TYPES} AS types
            FROM {LegalDocument._meta.db_table} l
            WHERE l.case_id = c.id
        ) docs ON true
    """  # noqa: S608  # nosec B608 - table names from the models


def case_select(columns, filters, *, cases_expected, id_range=(None, None)):
    """(SELECT of `columns` for the cases of `filters` by id, its parameters).

    In `columns`: the case `c`, its office `o`, agency `a`, subject notice `n`, standing
    decision `dec`, first release `rel` and document types `docs.types`. With
    `cases_expected` at JOIN_FROM_CASES or more, the related rows are joined whole
    (related_joins), else looked up case by case (lookup_joins): the same rows. With
    `id_range`, only the cases whose ids are in it (id_bounds). When that range is closed
    and the filters are a period alone, the related rows are limited by the range only,
    not by a semi-join with the period's cases (a scan of the cases fewer for each): ids
    follow the order cases are received, so the period's cases fill the range."""
    where, params = case_filter(filters, id_range)
    base = f"""
        FROM {DisclosureRequest._meta.db_table} c
        JOIN {Agency._meta.db_table} a ON a.id = c.agency_id
    """  # noqa: S608  # nosec B608 - table names from the models, values as parameters
    period_only = filters.office is None and not filters.agency_kind
    if cases_expected >= JOIN_FROM_CASES and period_only and None not in id_range:
        related = related_joins(None, id_range)
    elif cases_expected >= JOIN_FROM_CASES:
        related = related_joins(f"SELECT c.id {base} WHERE {where}", id_range)
        # The parameters of the three subqueries (in the order they appear), then the main one.
        params = params * 4
    else:
        related = lookup_joins()
    select = f"""
        SELECT {", ".join(columns)}
        {base}
        JOIN accounts_office o ON o.id = c.office_id
        LEFT JOIN {SubjectNotice._meta.db_table} n ON n.case_id = c.id
        {related}
        WHERE {where}
        ORDER BY c.id
    """  # noqa: S608  # nosec B608 - table names from the models, values as parameters
    return select, params


def copy_sql(filters, include_identifiers, *, cases_expected, id_range=(None, None)):
    """(SQL of the COPY, its parameters) for the cases of `filters` (and `id_range`), by id."""
    columns = _columns(include_identifiers)
    select, params = case_select(columns, filters, cases_expected=cases_expected, id_range=id_range)
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)", params


def _header_line(header):
    line = io.StringIO()
    csv.writer(line).writerow(header)
    return line.getvalue()


def _session(cursor):
    """The COPY's transaction-local settings (psycopg's own cursor): the state's time zone,
    so that times are written in local time, and no JIT: the plan's estimated cost is above
    jit_above_cost whatever the size, and compiling it took 0.5 to 2 s here, more than a
    whole 20,000-row export."""
    cursor.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])
    cursor.execute("SELECT set_config('jit', 'off', true)")


def _connections(cases):
    """How many connections COPY an export of `cases` cases: EXPORT_COPY_CONNECTIONS from
    PARALLEL_FROM_CASES on, when Django's connection is outside any transaction
    (parallelcopy.copy_chunks); else one."""
    if not cases or cases < PARALLEL_FROM_CASES or connection.in_atomic_block:
        return 1
    return settings.EXPORT_COPY_CONNECTIONS


def csv_chunks(header, filters, include_identifiers):
    """The export as str chunks: the header line, then PostgreSQL's rows.

    The COPY runs in a transaction of its own (a savepoint inside another) with the
    settings of _session(). PostgreSQL sends each row as one message ending in LF (the
    protocol says so for COPY TO); it becomes CRLF, the line end of Python's csv writer,
    while a newline inside a quoted narrative stays as it was, as in Python. A large export
    outside a transaction is split by case ids into COPYs run at once on several
    connections in one snapshot (parallelcopy): the same bytes."""
    yield _header_line(header)
    # How many: an index-only count, which chooses how the related rows are read and on
    # how many connections.
    expected = filters.cases().count()
    connections = _connections(expected)
    if connections > 1:

        def statements():
            # In the snapshot: the span of the ids is exactly the COPYs' own.
            span = filters.cases().aggregate(low=Min("pk"), high=Max("pk"))
            return [
                copy_sql(filters, include_identifiers, cases_expected=expected, id_range=ids)
                for ids in parallelcopy.id_ranges(span["low"], span["high"], connections)
            ]

        chunks = parallelcopy.copy_chunks(statements, _session)
        yield from codecs.iterdecode(chunks, "utf-8")
        return
    sql, params = copy_sql(filters, include_identifiers, cases_expected=expected)
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for copy()
        _session(raw)
        try:
            with raw.copy(sql, params) as copy:
                for chunk in parallelcopy.crlf_chunks(copy):
                    yield chunk.decode()
        finally:
            # A transaction-local setting outlives a savepoint: inside an outer transaction
            # Django would read times in the wrong zone until it ends.
            raw.execute("SELECT set_config('TimeZone', 'UTC', true)")
