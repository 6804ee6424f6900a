"""The table of cases of the queues and the search, as the pages draw it (a Jinja2 template,
jinja2/cases/_case_table.html, through the `case_table` tag)."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.templatetags.moments import moment
from dmvrequests.cases import views
from dmvrequests.cases.case_table import case_rows, for_case_table
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.cases.templatetags.case_tags import case_due, due_in
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db


def _rows(page):
    return page.html.select("table.usa-table tbody tr")


def test_each_row_shows_the_case_as_the_queue_always_did(django_app, office, clerk):
    agency = AgencyFactory(name="Troop <K> & Co")
    received = datetime(2026, 7, 4, 3, 5, tzinfo=ZoneInfo("UTC"))  # 11:05 pm the day before
    case = make_case(
        office=office,
        actor=clerk,
        agency=agency,
        channel="phone",
        received_at=received,
        subject_name="<b>O'Brien</b>",
        emergency=True,
    )
    page = django_app.get(reverse("cases:queue"), user=clerk)
    (row,) = _rows(page)
    link = row.select_one("th a")
    assert link["href"] == case.get_absolute_url() and link.text == case.number
    assert row.select_one(".badge--emergency").text == "Emergency"
    cells = {td["data-label"]: td for td in row.select("td")}
    time = cells["Received"].select_one("time")
    assert time["datetime"] == "2026-07-03T23:05:00-04:00"
    assert time.text == "Jul 3, 2026 23:05 EDT"  # the zone, as every time on the pages
    assert cells["Agency"].text == "Troop <K> & Co"
    assert cells["Channel"].text == "Phone"
    assert cells["Subject"].text == "<b>O'Brien</b>"  # shown as text, never as markup
    assert "<b>O" not in page.text and "&lt;b&gt;O" in page.text
    assert cells["Status"].text.strip() == case.get_status_display()
    assert "Decision" in cells["What is due"].text


def test_the_sort_links_keep_the_other_parameters(django_app, office, clerk):
    make_case(office=office, actor=clerk, subject_name="")
    page = django_app.get(
        reverse("cases:queue") + "?status=received&sort=number&page=1", user=clerk
    )
    heads = {a.text.strip(" ▲"): a["href"] for a in page.html.select("thead a")}
    assert heads["Case"] == "?status=received&sort=-number"  # the current one: reversed
    assert heads["Received"] == "?status=received&sort=received"
    assert "▲" in page.html.select_one("thead a").text
    (row,) = _rows(page)
    assert row.select_one('td[data-label="Subject"]').text == "—"


def test_the_search_draws_the_same_table(django_app, office, clerk):
    case = make_case(office=office, actor=clerk, subject_name="Ada Quist")
    page = django_app.get(reverse("cases:search") + "?q=Quist", user=clerk)
    (row,) = _rows(page)
    assert row.select_one("th a").text == case.number
    assert page.html.select_one("table caption").text == "Search results"


class TestDueIn:
    """What is due, as the queues and the case page write it (due_in, case_due)."""

    TODAY = date(2026, 7, 4)

    @pytest.mark.parametrize(
        ("days", "words", "css"),
        [
            (0, "Decision due today", "badge badge--overdue"),
            (1, "Decision due in 1 day", ""),
            (3, "Decision due in 3 days", ""),
            (-1, "Decision overdue by 1 day", "badge badge--overdue"),
            (-2, "Decision overdue by 2 days", "badge badge--overdue"),
        ],
    )
    def test_the_words_date_and_class(self, days, words, css):
        html = due_in(self.TODAY + timedelta(days=days), "Decision", self.TODAY)
        written = moment(self.TODAY + timedelta(days=days), "M j, Y")
        day = (self.TODAY + timedelta(days=days)).isoformat()
        assert str(html) == (
            f'<time datetime="{day}" title="{written}" class="{css}">{words}</time>'
            f'<span class="usa-sr-only"> ({written})</span>'
        )

    def test_what_is_escaped_and_today_defaults_to_the_local_date(self):
        html = due_in(timezone.localdate(), "<Notice> & co")
        assert "&lt;Notice&gt; &amp; co due today" in str(html)
        assert due_in(None) == ""

    def test_case_due_by_status(self):
        case = SimpleNamespace(status="in_review", due_date=None)
        assert case_due(case, self.TODAY) == "Decision: no due date"
        case.status = "needs_info"
        assert case_due(case) == "Decision clock paused: waiting for the agency"
        case.status = "approved"
        assert case_due(case) == "Release to record"
        case.status = "closed"
        assert case_due(case) == "Nothing due"


def test_a_case_row_answers_as_the_case_does(office, clerk):
    case = make_case(office=office, actor=clerk, channel="portal", subject_name="Ada Quist")
    (row,) = case_rows(for_case_table(DisclosureRequest.objects.filter(pk=case.pk)))
    assert (row.pk, row.number, row.subject_name) == (case.pk, case.number, "Ada Quist")
    assert (row.received_at, row.due_date) == (case.received_at, case.due_date)
    assert row.agency_name == case.agency.name
    assert row.get_absolute_url() == case.get_absolute_url()
    assert row.get_status_display() == case.get_status_display()
    assert row.get_channel_display() == case.get_channel_display() == "Agency portal"
    assert repr(row) == f"<CaseRow {case.number}>"


def test_the_queue_counts_its_cases_without_their_agencies(client, office, clerk):
    for _ in range(3):
        make_case(office=office, actor=clerk)
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:queue") + "?sort=agency")
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1 and "agencies_agency" not in counts[0]
    assert len(response.context["page"].object_list) == 3


@pytest.mark.parametrize(("number", "shown"), [("1", 2), ("2", 1), ("9", 1), ("x", 2)])
def test_each_page_of_the_queue_shows_its_own_cases(
    django_app, office, clerk, monkeypatch, number, shown
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    cases = [make_case(office=office, actor=clerk) for _ in range(3)]
    page = django_app.get(reverse("cases:queue") + f"?sort=number&page={number}", user=clerk)
    listed = [row.select_one("th a").text for row in _rows(page)]
    numbers = sorted(case.number for case in cases)
    assert listed == (numbers[:2] if shown == 2 else numbers[2:])
