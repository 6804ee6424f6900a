import csv
import io
import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome
from dmvrequests.reports.forms import ReportFilterForm
from dmvrequests.reports.tests.conftest import Spec
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db

JOB = uuid.uuid4()
STATISTICS_PAGES: list[tuple[str, list[uuid.UUID]]] = [
    ("reports:index", []),
    ("reports:transparency", []),
    ("reports:transparency_csv", []),
    ("reports:attestation", []),
    ("reports:attestation_csv", []),
]
EXPORT_PAGES = [
    ("reports:exports", []),
    ("reports:cases_csv", []),
    ("reports:export_job", [JOB]),
    ("reports:export_job_status", [JOB]),
    ("reports:export_job_download", [JOB]),
]


def rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


class TestWhoMayOpenWhat:
    @pytest.mark.parametrize(("name", "args"), STATISTICS_PAGES + EXPORT_PAGES)
    def test_anonymous_users_sign_in_first(self, name, args):
        response = Client().get(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("role", ["clerk", "counsel", "other_clerk"])
    @pytest.mark.parametrize(("name", "args"), STATISTICS_PAGES + EXPORT_PAGES)
    def test_clerks_and_counsel_are_refused(self, client, request, role, name, args):
        client.force_login(request.getfixturevalue(role))
        assert client.get(reverse(name, args=args)).status_code == 403

    @pytest.mark.parametrize(("name", "args"), STATISTICS_PAGES)
    def test_auditors_read_the_statistics(self, client, auditor, name, args):
        client.force_login(auditor)
        assert client.get(reverse(name, args=args)).status_code == 200

    @pytest.mark.parametrize(("name", "args"), EXPORT_PAGES)
    def test_auditors_do_not_export_case_rows(self, client, auditor, name, args):
        client.force_login(auditor)
        assert client.get(reverse(name, args=args)).status_code == 403

    @pytest.mark.parametrize(("name", "args"), STATISTICS_PAGES + EXPORT_PAGES[:2])
    def test_administrators_open_every_page(self, client, administrator, name, args):
        client.force_login(administrator)
        assert client.get(reverse(name, args=args)).status_code == 200

    @pytest.mark.parametrize(("name", "args"), EXPORT_PAGES[2:])
    def test_a_job_that_does_not_exist_is_not_found(self, client, administrator, name, args):
        client.force_login(administrator)
        assert client.get(reverse(name, args=args)).status_code == 404


class TestDashboardPage:
    @pytest.fixture
    def page(self, client, administrator, casebook):
        casebook.add(Spec(1, 3, "immigration", channel="email", fate="denied", subject="X"))
        casebook.add(Spec(2, 3, "court", fate="approved", released=("address",), subject="Y"))
        client.force_login(administrator)
        response = client.get(reverse("reports:index"))
        assert response.status_code == 200
        return response.content.decode()

    def test_each_chart_has_its_table_beneath(self, page):
        charts = re.findall(r'<canvas id="chart-([a-z_]+)"', page)
        assert len(charts) == 8
        for slug in charts:
            assert page.index(f'id="chart-{slug}"') < page.index(f'id="table-{slug}"')

    def test_charts_are_drawn_by_a_static_file_from_a_json_block(self, page):
        scripts = re.findall(r"<script[^>]*>", page)
        for tag in scripts:
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert 'id="report-charts" type="application/json"' in page
        assert "vendor/chartjs/chart.umd.min.js" in page and "js/reports/dashboard.js" in page

    def test_the_figures_are_in_the_tables(self, page):
        assert "Requests from immigration agencies, by outcome" in page
        assert re.search(r"<th scope=\"row\">Denied</th><td[^>]*>1</td>", page)

    def test_the_summary_says_which_requests_it_counts(self, page):
        assert "Requests received from" in page and "all offices" in page

    def test_it_says_how_exact_the_times_to_decision_are(self, page):
        assert "each figure is within 1 % of the exact one" in page
        assert "Median time to decision (days, within 1 %)" in page

    def test_it_says_when_the_figures_were_read(self, page):
        found = re.search(
            r'id="figures-as-of">[^<]*as of <time datetime="([^"]+)">([^<]+)</time>', page
        )
        assert found, "the dashboard says as of when it counted"
        as_of = datetime.fromisoformat(found.group(1))
        assert abs((timezone.now() - as_of).total_seconds()) < 600
        # In the state's time zone, with its abbreviation (EST or EDT), on a 24-hour clock.
        local = timezone.localtime(as_of)
        assert found.group(2) == f"{local:%b} {local.day}, {local:%Y %H:%M %Z}"
        assert found.group(2).endswith((" EST", " EDT"))


class TestFiltersSurviveNavigation:
    def test_the_last_filters_come_back_on_every_reports_page(self, client, administrator, office):
        client.force_login(administrator)
        filters = {"date_from": "2026-01-01", "date_to": "2026-03-31", "office": office.pk}
        client.get(reverse("reports:index"), filters)
        again = client.get(reverse("reports:index")).content.decode()
        assert "January 1, 2026 to March 31, 2026; Albany legal unit" in again
        assert "date_from=2026-01-01" in again  # the section's links carry them
        form = client.get(reverse("reports:exports")).context["form"]
        assert form.initial["date_from"] == "2026-01-01"
        assert form.initial["office"] == str(office.pk)

    def test_they_can_be_reset(self, client, administrator):
        client.force_login(administrator)
        client.get(reverse("reports:index"), {"date_from": "2020-01-01", "date_to": "2020-02-01"})
        page = client.get(reverse("reports:index"), {"clear": "1"}).content.decode()
        assert "2020" not in page

    def test_reversed_dates_are_explained(self, client, administrator):
        client.force_login(administrator)
        response = client.get(
            reverse("reports:index"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
        )
        assert response.status_code == 400
        assert "swap them" in response.content.decode()
        page = BeautifulSoup(response.content, "html.parser")
        marked = page.find(id="date_to-error")  # at the "Received to" field
        assert marked is not None and "swap them" in marked.text
        assert page.select_one('#error-summary a[href="#id_date_to"]') is not None

    def test_a_bad_date_is_explained(self, client, administrator):
        client.force_login(administrator)
        response = client.get(reverse("reports:index"), {"date_from": "yesterday"})
        assert response.status_code == 400
        assert "Enter a valid date" in response.content.decode()


class TestFilterDefaults:
    def test_a_missing_start_is_twelve_months_before_the_end(self):
        form = ReportFilterForm({"date_to": "2026-06-15"})
        assert form.is_valid()
        assert (form.filters().date_from, form.filters().date_to) == (
            date(2025, 7, 1),
            date(2026, 6, 15),
        )

    def test_a_missing_end_is_today(self):
        form = ReportFilterForm({"date_from": "2026-01-01"})
        assert form.is_valid() and form.filters().date_to == timezone.localdate()

    def test_a_start_after_today_with_no_end_is_explained(self):
        """Newcomer's finding: it said "swap them" at the empty "Received to" field."""
        tomorrow = timezone.localdate() + timedelta(days=1)
        form = ReportFilterForm({"date_from": tomorrow.isoformat()})
        assert not form.is_valid()
        assert form.errors["date_from"] == [
            "The “Received from” date is after today: no case was received then. "
            "Choose today or an earlier date."
        ]
        assert "date_to" not in form.errors

    def test_dates_far_out_are_refused_not_a_server_error(self, client, administrator):
        client.force_login(administrator)
        response = client.get(
            reverse("reports:index"), {"date_from": "9999-12-30", "date_to": "9999-12-31"}
        )
        assert response.status_code == 400
        assert "Enter a date between 1900 and 2199" in response.content.decode()

    def test_an_end_in_year_1_alone_is_refused_too(self):
        form = ReportFilterForm({"date_to": "0001-05-01"})
        assert not form.is_valid() and "Enter a date between 1900 and 2199" in str(form.errors)

    def test_the_default_period_is_not_remembered(self, client, administrator):
        client.force_login(administrator)
        client.get(reverse("reports:index"))
        assert "reports.filters" not in client.session


class TestCasesCsv:
    def test_an_administrator_downloads_every_case_with_its_decision(
        self, client, office, other_office, clerk, other_clerk, counsel, administrator
    ):
        ours = services.case_submit(case=make_case(office=office, actor=clerk), actor=clerk)
        services.case_decide(
            case=ours,
            actor=counsel,
            outcome=DecisionOutcome.APPROVED,
            categories=["address", "license_record"],
        )
        make_case(office=other_office, actor=other_clerk)
        client.force_login(administrator)
        response = client.get(reverse("reports:cases_csv"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        data = rows(response)
        assert len(data) == 2
        first = next(r for r in data if r["number"] == ours.number)
        assert first["outcome"] == "approved"
        assert first["categories_approved"] == "address;license_record"
        assert "subject_name" not in first and "narrative" not in first

    def test_it_filters_by_received_date(self, client, office, clerk, administrator):
        make_case(office=office, actor=clerk)
        client.force_login(administrator)
        response = client.get(
            reverse("reports:cases_csv"), {"date_from": "2000-01-01", "date_to": "2000-12-31"}
        )
        assert rows(response) == []

    def test_bad_dates_are_explained(self, client, administrator):
        client.force_login(administrator)
        response = client.get(
            reverse("reports:cases_csv"), {"date_from": "2026-05-01", "date_to": "2026-01-01"}
        )
        assert response.status_code == 400
        assert "swap them" in response.content.decode()
        response = client.get(reverse("reports:cases_csv"), {"date_from": "yesterday"})
        assert response.status_code == 400

    def test_too_many_rows_go_to_a_background_export(
        self, client, office, clerk, administrator, settings
    ):
        settings.EXPORT_ASYNC_THRESHOLD = 1
        make_case(office=office, actor=clerk)
        make_case(office=office, actor=clerk)
        client.force_login(administrator)
        response = client.get(reverse("reports:cases_csv"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reports:exports"))
