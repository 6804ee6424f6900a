"""The case export as XLSX on PostgreSQL: values from one query, cells written in Rust.

XlsxWriter writes about 7,500 rows of this export per CPU second (every cell a Python
call), and the Python row builder and labels cost as much again. Here PostgreSQL hands
over each case's values already typed (local times as plain timestamps, hours as a
float, the related rows joined: copyexport.case_select), Python puts the coded columns
in words through a cache (a few distinct codes, so one label() call per code, not per
cell), and rustpy-xlsxwriter (a binding of rust_xlsxwriter, by XlsxWriter's author)
writes the rows in its constant-memory mode: each row goes to a temporary file as it
is written, strings inline. docs/performance.md has the figures.

The workbook is the one formats.xlsx_write makes from the Python rows: one sheet named
after the dataset, the header bold and frozen, coded columns in words, times as Excel
date-times in the state's time, dates as dates, yes/no as booleans, hours as numbers,
empty values as empty cells, and text always text (a value starting with "=" is shown,
never run: rust_xlsxwriter writes strings as strings). A test compares the two cell by
cell. Used on PostgreSQL for the cases dataset (exports.write_export); SQLite and the
rows of an export with identifiers (logged chunk by chunk) keep the Python writer.
"""

import json
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from rustpy_xlsxwriter import FastExcel, Format

from dmvrequests.reports import copyexport, formats
from dmvrequests.reports.formats import CASES, XLSX
from dmvrequests.vocabulary import label

# Rows PostgreSQL sends at a time (libpq's chunked rows: no message per row).
STREAM_ROWS = 2000
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DAY_FORMAT = "yyyy-mm-dd"
# Columns that hold a JSON list of codes, sent as its JSON text.
LIST_COLUMNS = frozenset(
    {"categories", "legal_process_offered", "categories_approved", "categories_released"}
)
DAY_COLUMNS = ("subject_notice_due", "subject_dob")


def available(fmt, dataset, rows):
    """True when this writer serves the export: PostgreSQL, XLSX, the cases dataset."""
    return connection.vendor == "postgresql" and fmt == XLSX and dataset == CASES and rows is None


def _columns(include_identifiers):
    """SQL of each column, in exports.case_header()'s order. Times become the state's
    local time (the transaction's TimeZone) without a zone, as Excel wants them."""
    columns = [
        "c.number",
        "c.status",
        "c.channel",
        _local("c.received_at"),
        "o.name",
        "a.name",
        "a.kind",
        "c.purpose",
        "c.categories::text",
        "c.emergency",
        "c.bulk",
        "array_to_json(docs.types)::text",
        copyexport.primary_sql("docs.types"),
        copyexport.outcome_sql(),
        "dec.reason",
        "dec.categories_approved::text",
        _local("c.decided_at"),
        # round(numeric) is half away from zero, as exports._hours; float8 as float().
        "round(EXTRACT(EPOCH FROM (c.decided_at - c.received_at)) / 3600, 1)::float8",
        _local("rel.released_at"),
        "rel.categories::text",
        "n.status",
        "n.due_date",
    ]
    if include_identifiers:
        columns += [
            "c.subject_name",
            "c.subject_dob",
            "c.subject_license_number",
            "c.subject_plate",
            "c.subject_vin",
            "c.narrative",
        ]
    return columns


def _local(sql):
    """A time in the state's time without its zone, to the second (as formats.xlsx_write)."""
    return f"date_trunc('second', {sql})::timestamp"


class Labeller:
    """The words of a coded cell (exports.in_words), each distinct value worked out once."""

    def __init__(self, header, labelled):
        # (column, vocabulary, holds a JSON list, words of each value seen)
        self.coded: list[tuple[int, str | None, bool, dict[str, str]]] = [
            (i, labelled[name], name in LIST_COLUMNS, {})
            for i, name in enumerate(header)
            if name in labelled
        ]

    def __call__(self, row):
        row = list(row)
        for i, vocabulary, is_list, seen in self.coded:
            value = row[i]
            if value is None:
                continue
            words = seen.get(value)
            if words is None:
                code = json.loads(value) if is_list else value
                words = seen[value] = label(code, vocabulary) if code not in ("", []) else ""
            row[i] = words
        return row


def _records(rows, header, labeller):
    for row in rows:
        yield dict(zip(header, labeller(row), strict=True))


def write(target, header, filters, include_identifiers, labelled):
    """Write the cases of `filters` as an XLSX workbook to `target` (a binary file).

    `labelled`: column name -> vocabulary of its codes (exports.LABELLED_COLUMNS).
    The workbook is made in a temporary directory and then copied to `target`:
    rust_xlsxwriter keeps a workbook written to a buffer in memory, not one written
    to a file. An export of no case is the header alone (formats.xlsx_write)."""
    columns = _columns(include_identifiers)
    expected = filters.cases().count()  # chooses how the related rows are read
    select, params = copyexport.case_select(columns, filters, cases_expected=expected)
    labeller = Labeller(header, labelled)
    with (
        tempfile.TemporaryDirectory() as folder,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        raw = cursor.cursor  # psycopg's own cursor, for stream()
        raw.execute("SELECT set_config('TimeZone', %s, true)", [settings.TIME_ZONE])
        raw.execute("SELECT set_config('jit', 'off', true)")
        rows = raw.stream(select, params, size=STREAM_ROWS)
        try:
            first = next(rows, None)
            if first is None:
                formats.xlsx_write(target, CASES, header, [])
                return
            path = Path(folder) / "export.xlsx"
            records = _records(_chain(first, rows), header, labeller)
            _workbook(path, header, records)
            with path.open("rb") as written:
                shutil.copyfileobj(written, target)
        finally:
            rows.close()  # stopped halfway (an error): psycopg cancels the query
            raw.execute("SELECT set_config('TimeZone', 'UTC', true)")


def _chain(first, rows):
    yield first
    yield from rows


def _workbook(path, header, records):
    day = Format().set_num_format(DAY_FORMAT)
    (
        FastExcel(str(path))
        .format(bold_headers=True, datetime_format=TIME_FORMAT)
        .freeze(row=1)
        .sheet(
            CASES,
            records,
            column_formats={name: day for name in DAY_COLUMNS if name in header},
        )
        .save()
    )
