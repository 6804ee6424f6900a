"""CSV, XLSX and JSON writers that take rows one at a time, in constant memory.

Every export (cases, statistics, the command line, background jobs) writes a
header and an iterable of rows through these, so the three formats say the
same thing. Values arrive as Python values (str, int, float, bool, date,
aware datetime, list, None) and each format spells them its own way.
"""

import csv
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

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


def _xlsx_cell(sheet, value, zone):
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    elif isinstance(value, datetime):
        # Excel has no time zones: the state's local time, as the screens show it.
        value = _local(value, zone).replace(tzinfo=None)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # text, never a formula
        return cell
    return value


def xlsx_write(target, title, header, rows):
    """Write an XLSX workbook to `target` (a path or a binary file object).

    openpyxl's write-only mode streams rows to a temporary file and writes
    strings inline (no shared-strings table), so memory stays flat whatever the
    number of rows.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_header_cell(sheet, name, bold) for name in header])
    zone = timezone.get_current_timezone()
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, zone) for value in row])
    workbook.save(target)


def _header_cell(sheet, name, font):
    cell = WriteOnlyCell(sheet, name)
    cell.font = font
    return cell
