"""What the exports contain: one row per case, or the dashboard's figures.

Case rows are read with `values_list()` and `iterator(chunk_size=…)`, no model
instances, and written while they are read: memory stays flat whatever the
number of rows. Cases come in the order they were logged (by id). A case's
decisions, release and documents come from three more streams in the same
order, joined to the cases as both go by (a merge join): four queries in all,
whatever the number of rows, where correlated subqueries would cost the
database seven index lookups per row (docs/exports.md has the figures).
Every column is described in docs/exports.md; keep the two in step.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from dmvrequests.cases.models import Decision, LegalDocument, Release
from dmvrequests.reports import casefacts, copyexport, formats, xlsxexport
from dmvrequests.reports.formats import CASES, STATISTICS
from dmvrequests.reports.statistics import dashboard_figures, statistic_rows
from dmvrequests.vocabulary import label

CHUNK_SIZE = 2000
HOUR_MICROSECONDS = Decimal(3_600_000_000)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Column:
    name: str
    source: str  # where the value comes from: a values() key, or a fact of the chunk


CASE_COLUMNS = [
    Column("number", "number"),
    Column("status", "status"),
    Column("channel", "channel"),
    Column("received_at", "received_at"),
    Column("office", "office__name"),
    Column("agency", "agency__name"),
    Column("agency_kind", "agency__kind"),
    Column("purpose", "purpose"),
    Column("categories", "categories"),
    Column("emergency", "emergency"),
    Column("bulk", "bulk"),
    Column("legal_process_offered", "documents"),
    Column("legal_process_primary", "documents"),
    Column("outcome", "decision"),
    Column("reason", "decision"),
    Column("categories_approved", "decision"),
    Column("decided_at", "decided_at"),
    Column("hours_to_decision", "decided_at"),
    Column("released_at", "release"),
    Column("categories_released", "release"),
    Column("subject_notice", "notice__status"),
    Column("subject_notice_due", "notice__due_date"),
]
# Left out unless the administrator asks for them, and then logged.
IDENTIFIER_COLUMNS = [
    Column("subject_name", "subject_name"),
    Column("subject_dob", "subject_dob"),
    Column("subject_license_number", "subject_license_number"),
    Column("subject_plate", "subject_plate"),
    Column("subject_vin", "subject_vin"),
    Column("narrative", "narrative"),
]
CASE_FIELDS = (
    "pk",
    "number",
    "status",
    "channel",
    "received_at",
    "office__name",
    "agency__name",
    "agency__kind",
    "purpose",
    "categories",
    "emergency",
    "bulk",
    "decided_at",
    "notice__status",
    "notice__due_date",
)
STATISTICS_HEADER = ["section", "key", "label", "value"]
# Coded columns, and the vocabulary of their codes: XLSX, which people open, shows their
# words (vocabulary.label); CSV and JSON keep the codes for scripts.
LABELLED_COLUMNS = {
    "status": "status",
    "channel": "channel",
    "agency_kind": "agency_kind",
    "purpose": "purpose",
    "categories": "category",
    "legal_process_offered": "legal_process",
    "legal_process_primary": "legal_process",
    "outcome": None,
    "reason": "reason",
    "categories_approved": "category",
    "categories_released": "category",
    "subject_notice": "notice_status",
}


def case_columns(include_identifiers):
    return CASE_COLUMNS + (IDENTIFIER_COLUMNS if include_identifiers else [])


def case_header(include_identifiers):
    return [column.name for column in case_columns(include_identifiers)]


def case_queryset(filters, *, include_identifiers=False):
    """The cases of `filters` as tuples of CASE_FIELDS (then the identifiers), in the
    order they were logged. Tuples rather than dicts: a fifth less time per row."""
    fields: tuple[str, ...] = CASE_FIELDS
    if include_identifiers:
        fields += tuple(column.source for column in IDENTIFIER_COLUMNS)
    return filters.cases().order_by("pk").values_list(*fields)


def case_rows(filters, *, include_identifiers=False, log_cases=None):
    """Each case as a list of Python values, in the order of case_header().

    With `log_cases` (a callable taking [(pk, number), …]), the cases are handed to it a
    chunk at a time and a chunk's rows are yielded only once it returned: an export with
    identifiers records each case it includes before that case's row leaves."""
    cases = case_queryset(filters, include_identifiers=include_identifiers)
    decisions, releases, documents = (
        Follower(stream(filters)) for stream in (_decisions, _releases, _documents)
    )
    pending = []
    for row in cases.iterator(chunk_size=CHUNK_SIZE):
        case_id = row[0]
        related = (decisions.take(case_id), releases.take(case_id), documents.take(case_id))
        values = case_values(row, *related)
        if log_cases is None:
            yield values
            continue
        pending.append(((case_id, row[1]), values))
        if len(pending) >= CHUNK_SIZE:
            yield from _after_logging(pending, log_cases)
            pending = []
    if pending:
        yield from _after_logging(pending, log_cases)


def _after_logging(pending, log_cases):
    log_cases([key for key, _ in pending])
    for _, values in pending:
        yield values


class Follower:
    """Rows of a related table in case-id order, handed over case by case.

    Each row starts with its case's id. Rows of a case the main stream does not
    have (logged between the two queries) are passed over.
    """

    def __init__(self, rows):
        self.rows = iter(rows)
        self.head = next(self.rows, None)

    def take(self, case_id):
        if self.head is None or self.head[0] > case_id:
            return ()  # most cases: nothing here for this one
        taken = []
        while self.head is not None and self.head[0] <= case_id:
            if self.head[0] == case_id:
                taken.append(self.head[1:])
            self.head = next(self.rows, None)
        return taken


def _related(rows, filters, fields, order=()):
    rows = rows.filter(case__in=filters.cases()).order_by("case_id", *order)
    return rows.values_list("case_id", *fields).iterator(chunk_size=CHUNK_SIZE)


def _decisions(filters):
    """Decisions that stand, oldest first: a case's last one is its decision
    (the order of casefacts.effective_decisions(), read the other way)."""
    standing = Decision.objects.exclude(second_approval_required=True, second_approved_at=None)
    fields = ("outcome", "reason", "categories_approved")
    return _related(standing, filters, fields, order=("decided_at", "id"))


def _releases(filters):
    """Oldest first: a case's first release is the one exported."""
    fields = ("released_at", "categories")
    return _related(Release.objects.all(), filters, fields, order=("released_at", "id"))


def _documents(filters):
    return _related(LegalDocument.objects.all(), filters, ("type",))


def _hours(received_at, decided_at):
    """Hours from received to decided, to one decimal, half away from zero: exact
    decimal arithmetic, as PostgreSQL's round(numeric) in copyexport.py."""
    if decided_at is None:
        return None
    microseconds = (decided_at - received_at) // timedelta(microseconds=1)
    hours = Decimal(microseconds) / HOUR_MICROSECONDS
    return float(hours.quantize(TENTH, rounding=ROUND_HALF_UP))


def case_values(row, decisions, releases, documents):
    """One case (a row of case_queryset) and its related rows, in case_header()'s order."""
    (_, number, status, channel, received_at, office, agency, kind, purpose, categories,
     emergency, bulk, decided_at, notice, notice_due, *identifiers) = row  # fmt: skip
    outcome, reason, approved = decisions[-1] if decisions else (None, "", [])
    released_at, released = releases[0] if releases else (None, [])
    offered = {document_type for (document_type,) in documents}
    return [
        number,
        status,
        channel,
        received_at,
        office,
        agency,
        kind,
        purpose,
        categories,
        emergency,
        bulk,
        sorted(offered),
        casefacts.primary_of(offered),
        casefacts.outcome_of(status, outcome, reason),
        reason,
        approved,
        decided_at,
        _hours(received_at, decided_at),
        released_at,
        released,
        notice or "",
        notice_due,
        *identifiers,
    ]


def statistics_rows(filters):
    return [list(row) for row in statistic_rows(dashboard_figures(filters))]


def export_meta(dataset, filters, include_identifiers=False):
    return {
        "export": dataset,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "filters": filters.as_detail(),
        "include_identifiers": include_identifiers,
    }


def export_header(dataset, include_identifiers=False):
    if dataset == STATISTICS:
        return STATISTICS_HEADER
    return case_header(include_identifiers)


def export_rows(dataset, filters, include_identifiers=False, log_cases=None):
    if dataset == STATISTICS:
        return statistics_rows(filters)
    return case_rows(filters, include_identifiers=include_identifiers, log_cases=log_cases)


def text_chunks(fmt, dataset, filters, include_identifiers=False, rows=None):
    """The export as str chunks (CSV or JSON); `rows` overrides the row source."""
    header = export_header(dataset, include_identifiers)
    if copyexport.available(fmt, dataset, rows):
        # PostgreSQL writes the CSV itself: the same bytes, at the database's speed.
        return copyexport.csv_chunks(header, filters, include_identifiers)
    rows = export_rows(dataset, filters, include_identifiers) if rows is None else rows
    if fmt == formats.CSV:
        return formats.csv_chunks(header, rows)
    meta = export_meta(dataset, filters, include_identifiers)
    return formats.json_chunks(meta, "cases" if dataset == CASES else "rows", header, rows)


def in_words(header, rows):
    """Case rows with their coded columns in words, for people (XLSX)."""
    coded = [
        (i, LABELLED_COLUMNS[name]) for i, name in enumerate(header) if name in LABELLED_COLUMNS
    ]
    for row in rows:
        row = list(row)
        for i, vocabulary in coded:
            if row[i] not in (None, "", []):
                row[i] = label(row[i], vocabulary)
        yield row


def write_export(target, fmt, dataset, filters, include_identifiers=False, rows=None):
    """Write the whole export to a binary file object (a job's file, a command's output).

    Without `rows`, the fastest writer there is: on PostgreSQL, the database's for the
    cases (copyexport for CSV, xlsxexport for XLSX)."""
    header = export_header(dataset, include_identifiers)
    if xlsxexport.available(fmt, dataset, rows):
        # PostgreSQL gives the values, rust_xlsxwriter writes the cells: the same workbook.
        xlsxexport.write(target, header, filters, include_identifiers, LABELLED_COLUMNS)
        return
    if fmt != formats.XLSX:
        # text_chunks reads the rows itself when none are given (COPY on PostgreSQL).
        for chunk in text_chunks(fmt, dataset, filters, include_identifiers, rows):
            target.write(chunk.encode("utf-8"))
        return
    rows = export_rows(dataset, filters, include_identifiers) if rows is None else rows
    if dataset == CASES:
        rows = in_words(header, rows)
    formats.xlsx_write(target, dataset, header, rows)


def export_filename(dataset, fmt, filters):
    return f"{dataset}-{filters.date_from.isoformat()}-to-{filters.date_to.isoformat()}.{fmt}"
