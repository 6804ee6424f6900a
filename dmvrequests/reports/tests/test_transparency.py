"""The transparency report and the quarterly attestation, against independent counts."""

import csv
import io
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases.models import Channel
from dmvrequests.reports.casefacts import PROCESS_STRENGTH
from dmvrequests.reports.suppression import SMALL, WITHHELD
from dmvrequests.reports.tests.conftest import Spec
from dmvrequests.reports.tests.test_suppression import feasible_values
from dmvrequests.reports.transparency import (
    Period,
    attestation_report,
    display,
    transparency_report,
)

pytestmark = pytest.mark.django_db

Q1_2025 = Period(2025, 1)
STRENGTH = [kind.value for kind in PROCESS_STRENGTH]


def q1(day, kind, **fields):
    """Received `day` days into the first quarter of 2025."""
    return Spec(0, 1, kind, on=date(2025, 1, 1) + timedelta(days=day), **fields)


def warrant_case(n, released):
    return q1(
        n,
        "local_law_enforcement",
        docs=(("judicial_warrant", "state_judge"),),
        fate="approved" if released else "denied",
        released=("address",) if released else (),
        subject=f"L{n % 7}",
    )


# Q1 2025: 8 warrant requests from local police (6 produced, 7 people), 6 court
# orders from courts (5 produced), 2 ICE administrative warrants (denied) and a
# private requester with the subject's consent (produced); one from 2024.
TRANSPARENCY_SET = (
    *(warrant_case(n, released=n < 6) for n in range(8)),
    *(q1(20 + n, "court", docs=(("court_order", "state_judge"), ("judicial_subpoena", "court_clerk")),
         fate="approved" if n < 5 else "withdrawn", released=("license_record",) if n < 5 else (),
         subject=f"C{n}") for n in range(6)),
    q1(40, "immigration", channel="email", purpose="civil_immigration_enforcement",
       docs=(("administrative_warrant", "immigration_officer"),), fate="denied", subject="I1"),
    q1(41, "immigration", channel="email", docs=(("administrative_warrant", "immigration_officer"),),
       fate="denied", subject="I2"),
    q1(45, "private", purpose="insurance", categories=("driving_history",),
       docs=(("subject_consent", "none"),), fate="approved", released=("driving_history",),
       subject="P1"),
)  # fmt: skip
BEFORE = Spec(0, 1, "court", on=date(2024, 12, 31), fate="received", subject="X")


def primary(spec):
    offered = {kind for kind, _ in spec.docs} or {"none"}
    return min(offered, key=STRENGTH.index)


def expected_rows(specs, key):
    """{row key: {requests, subjects, produced}}, counted from the specs."""
    found: defaultdict[Any, dict[str, Any]] = defaultdict(
        lambda: {"requests": 0, "subjects": set(), "produced": 0}
    )
    for spec in specs:
        row = found[key(spec)]
        row["requests"] += 1
        row["subjects"].add(spec.subject)
        row["produced"] += bool(spec.released)
    return {k: {**v, "subjects": len(v["subjects"])} for k, v in found.items()}


@pytest.fixture
def published(casebook):
    casebook.add_all(TRANSPARENCY_SET)
    casebook.add(BEFORE)
    return transparency_report(Q1_2025, threshold=5)


class TestTransparencyReport:
    def test_it_counts_requests_subjects_and_data_produced(self, published):
        total = published.total.cells
        assert total["requests"].value == len(TRANSPARENCY_SET) == 17
        assert total["subjects"].value == len({s.subject for s in TRANSPARENCY_SET}) == 16
        assert total["produced"].value == sum(bool(s.released) for s in TRANSPARENCY_SET)
        assert published.total.share == round(100 * 12 / 17)

    @pytest.mark.parametrize(
        ("slug", "key"), [("by_legal_process", primary), ("by_agency_kind", lambda s: s.kind)]
    )
    def test_every_published_cell_is_the_true_count(self, published, slug, key):
        expected = expected_rows(TRANSPARENCY_SET, key)
        table = next(t for t in published.tables if t.slug == slug)
        for row in table.rows:
            for column, cell in row.cells.items():
                true = expected.get(row.key, {}).get(column, 0)
                assert cell.value == true
                if 1 <= true < 5:
                    assert display(cell, 5) == "fewer than 5"
                elif cell.mark != WITHHELD:
                    assert display(cell, 5) == str(true)

    def test_a_request_counts_once_under_its_strongest_legal_process(self, published):
        table = published.tables[0]
        shown = {row.key: row.cells["requests"].value for row in table.rows}
        assert shown["court_order"] == 6 and shown["judicial_subpoena"] == 0
        assert sum(shown.values()) == table.total.cells["requests"].value

    def test_small_counts_cannot_be_worked_out_from_the_totals(self, published):
        for table in published.tables:
            grid = [row.cells for row in table.rows]
            values = [{c: cell.value for c, cell in cells.items()} for cells in grid]
            total = {c: cell.value for c, cell in table.total.cells.items()}
            hidden = 0
            for column in ("requests", "produced"):
                for index, cells in enumerate(grid):
                    if cells[column].suppressed and not table.total.cells[column].suppressed:
                        hidden += 1
                        possible = feasible_values(values, grid, total, column, 5, index)
                        assert len(possible) >= 2
            assert hidden >= 2  # something small was there to protect

    def test_a_share_is_withheld_with_its_counts(self, published):
        immigration = next(r for r in published.tables[1].rows if r.key == "immigration")
        assert immigration.cells["requests"].mark == SMALL and immigration.share is None
        for table in published.tables:
            for row in [*table.rows, table.total]:
                requests, produced = row.cells["requests"], row.cells["produced"]
                if requests.suppressed or produced.suppressed or not requests.value:
                    assert row.share is None
                else:
                    assert row.share == round(100 * produced.value / requests.value)

    def test_the_page_prints_fewer_than_5(self, client, administrator, published):
        client.force_login(administrator)
        response = client.get(reverse("reports:transparency"), {"year": 2025, "period": "q1"})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Q1 2025" in page and "fewer than 5" in page
        assert "css/reports/reports.css" in page

    def test_the_csv_has_every_row_as_published(self, client, administrator, published):
        client.force_login(administrator)
        response = client.get(reverse("reports:transparency_csv"), {"year": "2025", "period": "q1"})
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        assert response["Content-Disposition"].endswith('transparency-2025-q1.csv"')
        immigration = next(r for r in rows if r["key"] == "immigration")
        assert immigration["requests"] == "fewer than 5"
        assert immigration["share_with_data_produced"] == "withheld"
        totals = [r for r in rows if r["key"] == "total" and not r["table"].startswith("network")]
        # The two tables of requests, then the disclosures found after the fact (none).
        assert [r["requests"] for r in totals] == ["17", "17", "0"]

    def test_a_period_that_has_not_begun_is_refused(self, client, administrator):
        client.force_login(administrator)
        response = client.get(
            reverse("reports:transparency"), {"year": timezone.localdate().year + 1, "period": "q1"}
        )
        assert response.status_code == 400
        assert "has not begun" in response.content.decode()


class TestDisclosuresFoundAfterTheFact:
    """Cases counsel opened for staff email found in the mail journal (channel outbound)."""

    @pytest.fixture
    def found(self, casebook):
        unrecorded = [
            *(q1(n, "immigration", channel="outbound", subject=f"O{n % 6}") for n in range(7)),
            q1(10, "local_law_enforcement", channel="outbound", subject="P1"),
            q1(11, "immigration", subject="Z1"),  # a request like any other
            Spec(0, 1, "immigration", channel="outbound", on=date(2024, 12, 30), subject="Z2"),
        ]
        casebook.add_all(unrecorded)
        return transparency_report(Q1_2025).after_the_fact

    def test_it_counts_them_by_agency_kind_with_small_counts_suppressed(self, found):
        cells = {row.key: row.cells for row in found.rows}
        immigration, police = cells["immigration"], cells["local_law_enforcement"]
        assert (immigration["requests"].value, immigration["subjects"].value) == (7, 6)
        assert (found.total.cells["requests"].value, found.total.cells["subjects"].value) == (8, 7)
        assert police["requests"].mark == SMALL
        # One small count in the column: the total (8) and the only other count (7) would
        # give it away, so one of them is withheld too.
        assert WITHHELD in (immigration["requests"].mark, found.total.cells["requests"].mark)
        # Every disclosure released data: "produced" is published exactly as "requests".
        for row in [*found.rows, found.total]:
            assert row.cells["produced"] == row.cells["requests"]

    def test_the_page_and_the_csv_show_them(self, client, administrator, found):
        client.force_login(administrator)
        query = {"year": "2025", "period": "q1"}
        page = client.get(reverse("reports:transparency"), query).content.decode()
        assert '<h2 id="after-the-fact-heading">Disclosures found after the fact</h2>' in page
        response = client.get(reverse("reports:transparency_csv"), query)
        rows = list(csv.DictReader(io.StringIO(response.content.decode())))
        table = {r["key"]: r for r in rows if r["table"] == "found_after_the_fact"}
        assert table["local_law_enforcement"]["requests"] == "fewer than 5"
        assert "withheld" in (table["immigration"]["requests"], table["total"]["requests"])
        assert table["total"]["subjects"] == "7"


class TestPeriods:
    @pytest.mark.parametrize(
        ("period", "start", "end"),
        [
            (Period(2025, 1), date(2025, 1, 1), date(2025, 3, 31)),
            (Period(2024, 2), date(2024, 4, 1), date(2024, 6, 30)),
            (Period(2025, 4), date(2025, 10, 1), date(2025, 12, 31)),
            (Period(2025), date(2025, 1, 1), date(2025, 12, 31)),
        ],
    )
    def test_it_spans_calendar_quarters_and_years(self, period, start, end):
        assert (period.start, period.end) == (start, end)

    def test_the_default_is_the_last_complete_quarter(self):
        assert Period.last_complete_quarter(date(2026, 2, 10)) == Period(2025, 4)
        assert Period.last_complete_quarter(date(2026, 7, 1)) == Period(2026, 2)


def this_quarter():
    today = timezone.localdate()
    return Period(today.year, (today.month - 1) // 3 + 1)


def now_spec(kind, **fields):
    return Spec(0, 1, kind, on=timezone.localdate(), **fields)


ATTESTATION_SET = (
    # Granted for civil immigration enforcement: an exception.
    now_spec("immigration", channel="email", purpose="civil_immigration_enforcement",
             fate="approved", subject="E1"),
    # Denied, or still waiting for its second counsel: not granted, not exceptions.
    now_spec("immigration", channel="email", purpose="civil_immigration_enforcement",
             fate="denied", subject="E2"),
    now_spec("immigration", channel="fax", purpose="civil_immigration_enforcement",
             fate="awaiting_second", subject="E3"),
    now_spec("local_law_enforcement", channel="phone", fate="approved", subject="E4"),
    now_spec("court", channel="mail", fate="partial", approve=("address",), subject="E5"),
    now_spec("court", channel="portal", fate="received", subject="E6"),
)  # fmt: skip


def save_imported_decision(decision):
    """Write a decision as an import from an older system would. On PostgreSQL the database
    refuses to rewrite a decision (audit migration 0005); the test's superuser connection
    skips ordinary triggers for this one statement (session_replication_role), inside the
    test's own transaction, which rolls back with the test."""
    if connection.vendor != "postgresql":
        decision.save()
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        decision.save()
        cursor.execute("SET LOCAL session_replication_role = origin")


class TestAttestation:
    @pytest.fixture
    def attestation(self, casebook):
        cases = casebook.add_all(ATTESTATION_SET)
        # A decision carried over from the old system, approved against the engine.
        imported = cases[3].decisions.get()
        imported.evaluation = {**imported.evaluation, "decision": "deny"}
        save_imported_decision(imported)
        return attestation_report(this_quarter()), cases

    def test_it_lists_every_request_logged_by_channel(self, attestation):
        report, _ = attestation
        expected = dict.fromkeys(Channel.values, 0)
        for spec in ATTESTATION_SET:
            expected[spec.channel] += 1
        assert {value: n for value, _, n in report.by_channel} == expected
        assert report.total == len(ATTESTATION_SET)

    def test_it_counts_the_decisions_that_took_effect(self, attestation):
        report, _ = attestation
        assert report.decided == {"approved": 2, "approved_partial": 1, "denied": 1}

    def test_it_lists_grants_for_a_prohibited_purpose_or_against_the_engine(self, attestation):
        report, cases = attestation
        assert not report.clean
        listed = {item.number: item.reasons for item in report.exceptions}
        assert set(listed) == {cases[0].number, cases[3].number}
        assert listed[cases[0].number] == ("purpose: civil immigration enforcement",)
        assert "“deny”" in listed[cases[3].number][0]

    def test_a_clean_quarter_says_so(self, casebook):
        casebook.add(now_spec("court", fate="approved", subject="OK"))
        report = attestation_report(this_quarter())
        assert report.clean and report.total == 1

    def test_the_page_has_the_statement_exceptions_and_signature_block(
        self, client, auditor, attestation
    ):
        report, cases = attestation
        client.force_login(auditor)
        period = report.period
        response = client.get(
            reverse("reports:attestation"), {"year": period.year, "period": f"q{period.quarter}"}
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert cases[0].number in page and "I attest that" in page and "Signature" in page
        assert "except as listed" in page

    def test_the_csv_lists_the_exceptions(self, client, administrator, attestation):
        report, cases = attestation
        client.force_login(administrator)
        period = report.period
        response = client.get(
            reverse("reports:attestation_csv"),
            {"year": period.year, "period": f"q{period.quarter}"},
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        exceptions = [row for row in rows if row[0] == "exception"]
        assert sorted(row[1] for row in exceptions) == sorted([cases[0].number, cases[3].number])
        assert ["logged_by_channel", "total", "Total", str(len(ATTESTATION_SET))] in rows
