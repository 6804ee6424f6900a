"""Case and statistics exports in CSV, XLSX and JSON: contents, identifiers, logging."""

import csv
import io
import json
import sys
from collections import Counter
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dmvrequests.audit.models import AuditRecord
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.reports import casefacts
from dmvrequests.reports.exports import CASE_COLUMNS, IDENTIFIER_COLUMNS, case_header
from dmvrequests.reports.tests.conftest import PERIOD_MONTHS, Spec, period_filters
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db
IDENTIFIER_NAMES = [column.name for column in IDENTIFIER_COLUMNS]


def export_form(fmt="csv", dataset="cases", **extra):
    filters = period_filters()
    return {
        "date_from": filters.date_from.isoformat(),
        "date_to": filters.date_to.isoformat(),
        "dataset": dataset,
        "format": fmt,
        **extra,
    }


def body(response):
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response_or_text):
    text = response_or_text
    if not isinstance(text, str):
        text = body(response_or_text).decode()
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response):
    """The sheet's rows; an empty cell reads back as None (and a row may end early)."""
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    width = len(rows[0])
    return [row + [None] * (width - len(row)) for row in rows]


def export_records():
    """The export's own record (its filters, reason and row count); not the per-case ones."""
    return list(AuditRecord.objects.filter(action="export", case_number="").order_by("seq"))


def case_records():
    return list(AuditRecord.objects.filter(action="export").exclude(case_number="").order_by("seq"))


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def post_export(client, **fields):
    return client.post(reverse("reports:exports"), export_form(**fields))


class TestCaseExport:
    def test_it_has_one_row_per_case_of_the_period_with_its_outcome(self, admin_client, dataset):
        specs, cases = dataset
        response = post_export(admin_client)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert response["X-Content-Type-Options"] == "nosniff"
        rows = csv_rows(response)
        assert list(rows[0]) == [column.name for column in CASE_COLUMNS]
        assert len(rows) == len(specs)
        assert Counter(r["outcome"] for r in rows) == Counter(s.outcome for s in specs)
        assert Counter(r["channel"] for r in rows) == Counter(s.channel for s in specs)
        released = Counter(c for r in rows for c in r["categories_released"].split(";") if c)
        assert released == Counter(c for s in specs for c in s.released)

    def test_a_row_says_what_happened_to_the_case(self, admin_client, dataset):
        specs, cases = dataset
        index = next(i for i, s in enumerate(specs) if s.fate == "partial")
        case = cases[index]
        row = next(r for r in csv_rows(post_export(admin_client)) if r["number"] == case.number)
        assert row["outcome"] == "approved_partial"
        assert row["reason"] == "approved_partial"
        assert row["categories"] == "address;license_record"
        assert row["categories_approved"] == "license_record"
        assert row["categories_released"] == "license_record"
        assert row["legal_process_offered"] == "court_order"
        assert row["legal_process_primary"] == "court_order"
        hours = (case.decided_at - case.received_at).total_seconds() / 3600
        assert float(row["hours_to_decision"]) == round(hours, 1)
        assert row["emergency"] == "no"

    def test_it_classifies_each_case_as_the_statistics_do(self, admin_client, dataset):
        # The export reads decisions and documents in Python, the statistics in SQL:
        # casefacts holds both definitions, and they must agree case by case.
        rows = csv_rows(post_export(admin_client))
        exported = {r["number"]: (r["outcome"], r["legal_process_primary"]) for r in rows}
        annotated = DisclosureRequest.objects.annotate(
            o=casefacts.outcome(), p=casefacts.primary_legal_process()
        )
        assert exported == {c.number: (c.o, c.p) for c in annotated if c.number in exported}
        assert {outcome for outcome, _ in exported.values()} == {
            "approved",
            "approved_partial",
            "denied",
            "withdrawn",
            "pending",
        }

    def test_identifiers_and_narratives_are_left_out_by_default(self, admin_client, dataset):
        text = body(post_export(admin_client)).decode()
        assert not set(IDENTIFIER_NAMES) & set(csv_rows(text)[0])
        assert "Maria Lopez" not in text and "Narrative of" not in text and "B2" not in text
        (record,) = export_records()
        assert record.detail["include_identifiers"] is False
        assert record.detail["rows"] == len(dataset[0])

    def test_identifiers_come_only_when_asked_and_the_export_is_logged(
        self, admin_client, administrator, dataset
    ):
        response = post_export(
            admin_client, include_identifiers="on", reason="Subpoena from the inspector general."
        )
        rows = csv_rows(response)
        assert list(rows[0])[-len(IDENTIFIER_NAMES) :] == IDENTIFIER_NAMES
        assert {r["subject_license_number"] for r in rows} >= {"A1", "B2", "E1"}
        assert any(r["narrative"].startswith("Narrative of") for r in rows)
        (record,) = export_records()
        assert record.username == administrator.username
        assert record.detail["include_identifiers"] is True
        assert record.detail["reason"] == "Subpoena from the inspector general."
        assert record.detail["filters"]["date_from"] == export_form()["date_from"]

    def test_an_export_with_identifiers_records_each_case_it_includes(
        self, admin_client, administrator, dataset
    ):
        """Newcomers' finding 15: every case read must be attributable (docs/audit.md)."""
        response = post_export(admin_client, include_identifiers="on", reason="Inspector general.")
        exported = [r["number"] for r in csv_rows(response)]
        records = case_records()
        assert sorted(r.case_number for r in records) == sorted(exported)
        assert {(r.user, r.object_type, r.outcome) for r in records} == {
            (administrator, "cases.disclosurerequest", "success")
        }
        assert records[0].detail == {"export": "cases", "delivery": "direct download"}
        number = exported[0]
        case = DisclosureRequest.objects.get(number=number)
        assert records[[r.case_number for r in records].index(number)].object_id == str(case.pk)

    def test_an_export_without_identifiers_has_its_one_record(self, admin_client, dataset):
        csv_rows(post_export(admin_client))
        assert len(export_records()) == 1 and case_records() == []

    def test_no_row_leaves_before_its_case_is_recorded(self, admin_client, dataset, monkeypatch):
        """The rows come a chunk at a time, each after its cases were recorded: if recording
        fails, the rows of that chunk are not written."""
        from dmvrequests.reports import exports

        monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
        calls = []

        def fail_second(fields):
            calls.append(len(fields))
            if len(calls) == 3:  # the export's record, the first chunk, then this one
                raise OperationalError("disk full")
            return real(fields)

        import dmvrequests.audit.services as audit_services

        real = audit_services._append
        monkeypatch.setattr(audit_services, "_append", fail_second)
        response = post_export(admin_client, include_identifiers="on", reason="Audit.")
        with pytest.raises(Exception, match="could not be recorded"):
            body(response)
        assert len(case_records()) == 2

    def test_identifiers_need_a_reason(self, admin_client, dataset):
        response = post_export(admin_client, include_identifiers="on", reason=" ")
        assert response.status_code == 400
        assert "Say why you need" in response.content.decode()
        assert export_records() == []

    def test_every_error_of_the_form_is_said_at_once(self, admin_client, dataset):
        """Newcomer's finding: a period too long was said first, the missing reason only after
        it was fixed; and the summary said "Nothing was saved" of an export."""
        response = post_export(
            admin_client, date_from="1990-01-01", include_identifiers="on", reason=""
        )
        assert response.status_code == 400
        page = BeautifulSoup(response.content, "html.parser")

        def text(element_id):
            element = page.find(id=element_id)
            assert element is not None, element_id
            return element.get_text(" ", strip=True)

        summary = text("error-summary")
        assert "Nothing was exported" in summary and "Nothing was saved" not in summary
        assert "years or less" in text("date_from-error")
        assert "Say why you need" in text("reason-error")
        assert export_records() == []

    def test_an_export_that_cannot_be_logged_is_refused(self, admin_client, dataset, monkeypatch):
        def fail(fields):
            raise OperationalError("disk full")

        monkeypatch.setattr("dmvrequests.audit.services._append", fail)
        response = post_export(admin_client, include_identifiers="on", reason="Audit.")
        assert response.status_code == 503
        page = response.content.decode()
        assert "could not be recorded in the audit log" in page
        assert "Maria Lopez" not in page and "attachment" not in response.get(
            "Content-Disposition", ""
        )

    def test_without_the_audit_app_nothing_is_exported(self, admin_client, dataset, monkeypatch):
        # The middleware, URLs and views (which import the audit app) loaded by a first
        # request, as in a running server: then the export alone finds it missing.
        assert admin_client.get(reverse("reports:index")).status_code == 200
        monkeypatch.setitem(sys.modules, "dmvrequests.audit.services", None)
        response = post_export(admin_client, include_identifiers="on", reason="Audit.")
        assert response.status_code == 503
        assert "Nothing was exported" in response.content.decode()

    def test_xlsx_opens_and_has_the_right_rows(self, admin_client, dataset):
        specs, cases = dataset
        response = post_export(admin_client, fmt="xlsx")
        assert response["Content-Disposition"].startswith("attachment")
        rows = xlsx_rows(response)
        assert rows[0] == case_header(False)
        assert len(rows) == len(specs) + 1
        numbers = {row[0] for row in rows[1:]}
        assert numbers == {case.number for case in cases}
        received = rows[1][case_header(False).index("received_at")]
        assert received.tzinfo is None  # a real date in Excel, in the state's time

    def test_json_parses_with_a_count(self, admin_client, dataset):
        specs, _ = dataset
        response = post_export(admin_client, fmt="json", include_identifiers="on", reason="x")
        document = json.loads(body(response))
        assert document["count"] == len(document["cases"]) == len(specs)
        assert document["include_identifiers"] is True
        first = document["cases"][0]
        assert isinstance(first["categories"], list) and isinstance(first["emergency"], bool)
        assert set(IDENTIFIER_NAMES) <= set(first)

    def test_text_that_looks_like_a_formula_stays_text(self, admin_client, office, clerk):
        agency = AgencyFactory(name='=HYPERLINK("http://evil.example","x")')
        make_case(office=office, actor=clerk, agency=agency)
        (row,) = csv_rows(post_export(admin_client))
        assert row["agency"].startswith("'=HYPERLINK")
        xlsx = load_workbook(io.BytesIO(body(post_export(admin_client, fmt="xlsx"))))
        cell = xlsx.worksheets[0].cell(row=2, column=case_header(False).index("agency") + 1)
        assert cell.data_type == "s" and str(cell.value).startswith("=HYPERLINK")

    def test_an_export_of_nothing_has_just_the_header(self, admin_client):
        response = post_export(admin_client)
        assert body(response).decode().strip() == ",".join(case_header(False))


class TestStatisticsExport:
    def test_csv_totals_match_independent_counts(self, admin_client, dataset):
        specs, _ = dataset
        rows = csv_rows(post_export(admin_client, dataset="statistics"))
        figures = {(r["section"], r["key"]): r["value"] for r in rows}
        assert figures[("summary", "requests")] == str(len(specs))
        assert figures[("summary", "produced")] == str(sum(bool(s.released) for s in specs))
        for outcome, n in Counter(s.outcome for s in specs).items():
            assert figures[("by_outcome", outcome)] == str(n)
        for kind, n in Counter(s.kind for s in specs).items():
            assert figures[("by_agency_kind", kind)] == str(n)
        months = [r for r in rows if r["section"] == "by_month"]
        assert len(months) == PERIOD_MONTHS + 1
        assert sum(int(r["value"]) for r in months) == len(specs)
        assert export_records() == []  # aggregates hold no case data

    def test_xlsx_and_json_say_the_same(self, admin_client, dataset):
        specs, _ = dataset
        table = xlsx_rows(post_export(admin_client, dataset="statistics", fmt="xlsx"))
        assert table[0] == ["section", "key", "label", "value"]
        document = json.loads(body(post_export(admin_client, dataset="statistics", fmt="json")))
        assert document["count"] == len(table) - 1 == len(document["rows"])
        by_json = {
            (r["section"], r["key"]): None if r["value"] == "" else r["value"]
            for r in document["rows"]
        }
        by_xlsx = {(r[0], r[1]): r[3] for r in table[1:]}
        assert by_json == by_xlsx
        assert by_json[("summary", "requests")] == len(specs)

    def test_statistics_hold_no_identifiers(self, admin_client):
        response = post_export(admin_client, dataset="statistics", include_identifiers="on")
        assert response.status_code == 400
        assert "Statistics hold no identifiers" in response.content.decode()


class TestCasesCsvLink:
    def test_it_still_streams_the_cases_of_the_filters(self, admin_client, casebook):
        casebook.add(Spec(1, 2, "court", subject="Q1"))
        response = admin_client.get(reverse("reports:cases_csv"), export_form())
        assert len(csv_rows(response)) == 1
        assert export_records()[0].detail["delivery"] == "direct download"


def hostile_case(office, clerk):
    agency = AgencyFactory(name='=HYPERLINK("http://evil.example","x"), "Inc"')
    return make_case(
        office=office,
        actor=clerk,
        agency=agency,
        subject_name='-María "Tess" Gutiérrez, Jr.',
        subject_plate="@HXT 4821",
        narrative='+Line one, with a comma\nline two "quoted"\r\nthree',
    )


@pytest.mark.postgres
class TestCopyExport:
    """On PostgreSQL the case CSV is written by COPY: the same bytes as Python's writer."""

    @pytest.mark.parametrize("identifiers", [False, True])
    def test_copy_and_python_write_the_same_csv(self, dataset, office, clerk, identifiers, related):
        from dmvrequests.reports import copyexport, exports, formats
        from dmvrequests.reports.filters import ReportFilters

        hostile_case(office, clerk)
        filters = ReportFilters(date_from=date(2000, 1, 1), date_to=timezone.localdate())
        header = exports.case_header(identifiers)
        python = "".join(
            formats.csv_chunks(header, exports.case_rows(filters, include_identifiers=identifiers))
        )
        copied = "".join(copyexport.csv_chunks(header, filters, identifiers))
        assert copied.count("\r\n") >= len(dataset[0]) + 2
        assert copied == python

    def test_the_filters_apply(self, dataset, office):
        from dmvrequests.reports import copyexport, exports
        from dmvrequests.reports.filters import ReportFilters

        filters = ReportFilters(
            date_from=date(2000, 1, 1), date_to=timezone.localdate(), office=office
        )
        header = exports.case_header(False)
        rows = list(csv.reader(io.StringIO("".join(copyexport.csv_chunks(header, filters, False)))))
        expected = exports.case_queryset(filters).count()
        assert len(rows) == expected + 1 and expected > 0

    @pytest.mark.parametrize("kind", ["immigration", "local_law_enforcement"])
    def test_a_filtered_copy_writes_what_python_writes(self, dataset, office, kind, related):
        """The related rows are read for the filtered cases only (copyexport.related_joins):
        an office and an agency kind, through the same subqueries."""
        from dmvrequests.reports import copyexport, exports, formats

        filters = period_filters(office=office, agency_kind=kind)
        header = exports.case_header(True)
        python = "".join(
            formats.csv_chunks(header, exports.case_rows(filters, include_identifiers=True))
        )
        copied = "".join(copyexport.csv_chunks(header, filters, True))
        expected = exports.case_queryset(filters).count()
        assert expected > 0 and copied.count("\r\n") == expected + 1
        assert copied == python

    def test_write_export_uses_copy(self, dataset, monkeypatch):
        """A job's file and the benchmark go through write_export: without rows given,
        the CSV is PostgreSQL's, not the Python writer's."""
        from dmvrequests.reports import exports

        def refuse(*args, **kwargs):
            raise AssertionError("the Python rows were read")

        monkeypatch.setattr(exports, "case_rows", refuse)
        target = io.BytesIO()
        exports.write_export(target, "csv", "cases", period_filters())
        assert len(csv_rows(target.getvalue().decode())) == len(dataset[0])


def sheet_cells(content):
    """Each cell of the workbook's one sheet as (value, type, number format, bold), and
    the sheet's title and frozen panes."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [
        [(cell.value, cell.data_type, cell.number_format, bool(cell.font.b)) for cell in row]
        for row in sheet.iter_rows()
    ]
    return sheet.title, sheet.freeze_panes, cells


@pytest.mark.postgres
class TestDatabaseXlsx:
    """On PostgreSQL the case workbook's values come from one query and rust_xlsxwriter
    writes them (reports/xlsxexport.py): the same workbook as the Python writer's."""

    @pytest.mark.parametrize("identifiers", [False, True])
    def test_it_is_the_python_writers_workbook(self, dataset, office, clerk, identifiers, related):
        from dmvrequests.reports import exports, formats

        hostile_case(office, clerk)
        filters = period_filters()
        header = exports.case_header(identifiers)
        python, database = io.BytesIO(), io.BytesIO()
        rows = exports.case_rows(filters, include_identifiers=identifiers)
        formats.xlsx_write(python, "cases", header, exports.in_words(header, rows))
        exports.write_export(database, "xlsx", "cases", filters, identifiers)
        title, frozen, cells = sheet_cells(database.getvalue())
        assert (title, frozen) == ("cases", "A2")
        assert [value for value, *_ in cells[0]] == header
        assert all(bold for *_, bold in cells[0])
        assert len(cells) == len(dataset[0]) + 2
        assert cells == sheet_cells(python.getvalue())[2]

    def test_text_that_looks_like_a_formula_stays_text(self, office, clerk):
        from dmvrequests.reports import exports

        agency = AgencyFactory(name='=HYPERLINK("http://evil.example","x")')
        make_case(office=office, actor=clerk, agency=agency)
        target = io.BytesIO()
        exports.write_export(target, "xlsx", "cases", period_filters())
        _, _, cells = sheet_cells(target.getvalue())
        value, kind, *_ = cells[1][case_header(False).index("agency")]
        assert kind == "s" and value.startswith("=HYPERLINK")

    def test_an_export_that_stops_halfway_writes_nothing(self, dataset, monkeypatch):
        """An error while the rows stream: nothing reaches the target, the query is
        cancelled and the connection serves the next query."""
        from dmvrequests.reports import exports, xlsxexport

        calls = []

        def failing(self, row):
            calls.append(row)
            if len(calls) == 3:
                raise OSError("disk full")
            return list(row)

        monkeypatch.setattr(xlsxexport.Labeller, "__call__", failing)
        target = io.BytesIO()
        with pytest.raises(OSError, match="disk full"):
            exports.write_export(target, "xlsx", "cases", period_filters())
        assert target.getvalue() == b""
        assert DisclosureRequest.objects.count() == len(dataset[0]) + 1

    def test_no_case_gives_the_header_alone(self):
        from dmvrequests.reports import exports

        target = io.BytesIO()
        exports.write_export(target, "xlsx", "cases", period_filters())
        _, _, cells = sheet_cells(target.getvalue())
        assert [[value for value, *_ in row] for row in cells] == [case_header(False)]
