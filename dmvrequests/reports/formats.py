"""CSV, XLSX and JSON writers that take rows one at a time, in constant memory.

Every export (cases, statistics, the command line, background jobs) writes a
header and an iterable of rows through these, so the three formats say the
same thing. Values arrive as Python values (str, int, float, bool, date,
aware datetime, list, None) and each format spells them its own way.
"""

import csv
from datetime import date, datetime

import xlsxwriter
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

# The two datasets an export can hold (exports.py re-exports these names).
CASES, STATISTICS = "cases", "statistics"
DATASET_CHOICES = [
    (CASES, "Cases: one row per request"),
    (STATISTICS, "Statistics: the dashboard's figures"),
]

CSV, XLSX, JSON = "csv", "xlsx", "json"
FORMATS = {
    CSV: ("CSV", "text/csv; charset=utf-8"),
    XLSX: ("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    JSON: ("JSON", "application/json"),
}
FORMAT_CHOICES = [(name, label) for name, (label, _) in FORMATS.items()]
# Spreadsheets run a cell that starts with one of these as a formula; text from
# an email (an agency's name, a narrative) must never become one (OWASP CSV injection).
FORMULA_STARTS = frozenset("=+-@\t\r")
# Bytes gathered before a streamed chunk is handed to the server.
CHUNK_CHARS = 64 * 1024


def content_type(name):
    return FORMATS[name][1]


def _local(value, zone):
    return value.astimezone(zone) if value.tzinfo is not None else value


def csv_text(value, zone=None):
    """One value as CSV text. Exact type checks, most common first: this runs for
    every cell of an export, and it is most of an export's Python time."""
    kind = type(value)
    if kind is str:
        return "'" + value if value[:1] in FORMULA_STARTS else value
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if kind is datetime:
        zone = zone or timezone.get_current_timezone()
        return _local(value, zone).isoformat(timespec="seconds")
    if kind is list or kind is tuple:
        return ";".join(map(str, value))
    if kind is date:
        return value.isoformat()
    if isinstance(value, str):  # a TextChoices member or another str subclass
        return csv_text(str(value))
    return value


class _Line:
    """csv.writer wants a file; this one hands back what it is given."""

    def write(self, value):
        return value


def csv_chunks(header, rows):
    writer = csv.writer(_Line())
    zone = timezone.get_current_timezone()  # once, not once per cell
    buffered, size = [writer.writerow(header)], 0
    for row in rows:
        line = writer.writerow([csv_text(value, zone) for value in row])
        buffered.append(line)
        size += len(line)
        if size >= CHUNK_CHARS:
            yield "".join(buffered)
            buffered, size = [], 0
    yield "".join(buffered)


def _json_value(value, zone):
    if type(value) is datetime:
        return _local(value, zone).isoformat(timespec="seconds")
    return value


def json_chunks(meta, key, header, rows):
    """{...meta, key: [{column: value}, ...], "count": n}, written as it goes."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    zone = timezone.get_current_timezone()
    opening = encoder.encode(meta)[:-1]  # the meta object without its closing brace
    buffered, size, count = [opening, f'{", " if meta else ""}"{key}": ['], 0, 0
    for row in rows:
        item = encoder.encode(
            {name: _json_value(v, zone) for name, v in zip(header, row, strict=True)}
        )
        buffered.append(("," if count else "") + "\n" + item)
        count += 1
        size += len(item)
        if size >= CHUNK_CHARS:
            yield "".join(buffered)
            buffered, size = [], 0
    buffered.append(f'\n], "count": {count}}}\n')
    yield "".join(buffered)


def xlsx_write(target, title, header, rows):
    """Write an XLSX workbook to `target` (a path or a binary file object).

    XlsxWriter in `constant_memory` mode: each row goes to a temporary file as it is
    written and strings are stored inline (no shared-strings table), so memory stays
    flat whatever the number of rows. Text is always text: no string becomes a formula,
    a number or a link (strings_to_formulas, strings_to_numbers, strings_to_urls off),
    so an agency named "=HYPERLINK(...)" is shown, never run (OWASP CSV injection).
    Dates and times are Excel dates in the state's time (Excel has no time zones),
    times to the second.
    """
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd hh:mm:ss",
        },
    )
    sheet = workbook.add_worksheet(title[:31])
    sheet.freeze_panes(1, 0)
    bold = workbook.add_format({"bold": True})
    day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for column, name in enumerate(header):
        sheet.write_string(0, column, name, bold)
    zone = timezone.get_current_timezone()
    write_string, write_number = sheet.write_string, sheet.write_number
    write_boolean, write_datetime = sheet.write_boolean, sheet.write_datetime
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            kind = type(value)
            if value is None:
                continue
            if kind is str:
                if value:
                    write_string(number, column, value)
            elif kind is bool:
                write_boolean(number, column, value)
            elif kind is int or kind is float:
                write_number(number, column, value)
            elif kind is datetime:
                # To the second, as CSV and JSON write it (and rust_xlsxwriter keeps it).
                local = _local(value, zone).replace(tzinfo=None, microsecond=0)
                write_datetime(number, column, local, time_format)
            elif kind is date:
                write_datetime(number, column, value, day_format)
            elif kind is list or kind is tuple:
                text = ";".join(str(item) for item in value)
                if text:
                    write_string(number, column, text)
            else:
                sheet.write(number, column, str(value) if isinstance(value, str) else value)
    workbook.close()
