"""Unrecorded-disclosure items on the reports dashboard: per month by agency kind, outcome of
counsel's review and sending office, in a panel of their own, the dashboard's filters applied."""

from datetime import date

import pytest
from django.urls import reverse

from dmvrequests.outbound.models import OutboundMessage
from dmvrequests.outbound.review import item_dismiss
from dmvrequests.outbound.services import journal_scan
from dmvrequests.outbound.statistics import dashboard_figures, months_between
from dmvrequests.outbound.tests.conftest import staff_email
from dmvrequests.panels import PanelScope
from dmvrequests.testing import UserFactory

pytestmark = pytest.mark.django_db


def flagged(sent_on: date, **fields) -> OutboundMessage:
    outcome = journal_scan(raw=staff_email(**fields))
    assert outcome.item_id is not None
    item = OutboundMessage.objects.get(pk=outcome.item_id)
    type(item.entry).objects.filter(pk=item.entry_id).update(sent_on=sent_on)
    return item


@pytest.fixture
def items(office, other_office, counsel):
    UserFactory(email="pat.clerk@dmv.example.gov", office=office)
    UserFactory(email="lee@dmv.example.gov", office=other_office)
    flagged(date(2026, 1, 5), body="DOB 1/2/1980")
    flagged(date(2026, 1, 20), body="SSN 123-45-6789")
    to_fbi = flagged(date(2026, 3, 2), to="a@fbi.gov", body="Plate ABC1234")
    item_dismiss(item=to_fbi, reason="A plate the FBI already had.", actor=counsel)
    flagged(date(2026, 3, 9), sender="lee@dmv.example.gov", body="DOB 1/2/1980")
    flagged(date(2026, 3, 9), sender="someone@dmv.example.gov", body="DOB 1/2/1980")
    journal_scan(raw=staff_email(body="Meet on Tuesday?"))  # ignored: not an item
    journal_scan(
        raw=staff_email(to="a@fbi.gov", body=f"Re: DR-2026-{1:06d}")
    )  # ignored: no case, no data
    return office


def rows(figures, title):
    [table] = [t for t in figures["tables"] if t.title == title]
    return {label: (counts, total) for label, counts, total in table.rows}, table.totals


def test_items_per_month_by_agency_kind_outcome_and_office(items, office, other_office):
    figures = dashboard_figures(PanelScope(date(2026, 1, 1), date(2026, 3, 31)))
    assert figures["months"] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert figures["total"] == 5
    kinds, totals = rows(figures, "By kind of agency")
    assert kinds == {
        "Immigration enforcement": ([2, 0, 2], 4),
        "Federal law enforcement": ([0, 0, 1], 1),
    }
    assert totals == [2, 0, 3]
    ((table, months),) = [(t, m) for t, m in figures["turned"] if t.title == "By kind of agency"]
    assert months == [
        (date(2026, 1, 1), [2, 0], 2),
        (date(2026, 2, 1), [0, 0], 0),
        (date(2026, 3, 1), [2, 1], 3),
    ]
    outcomes, _ = rows(figures, "By outcome of counsel's review")
    assert outcomes == {"Waiting for counsel": ([2, 0, 2], 4), "Dismissed": ([0, 0, 1], 1)}
    offices, _ = rows(figures, "By sending office")
    assert offices == {
        office.name: ([2, 0, 1], 3),
        other_office.name: ([0, 0, 1], 1),
        "Not known": ([0, 0, 1], 1),
    }


def test_the_dashboard_filters_apply(items, office):
    march = PanelScope(date(2026, 3, 1), date(2026, 3, 31), office_id=office.pk)
    assert dashboard_figures(march)["total"] == 1
    federal = PanelScope(date(2026, 1, 1), date(2026, 3, 31), agency_kind="federal_law_enforcement")
    assert dashboard_figures(federal)["total"] == 1


def test_months_between_crosses_a_year():
    assert months_between(date(2025, 11, 15), date(2026, 1, 2)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]


def test_the_dashboard_shows_the_panel(django_app, administrator, items):
    page = django_app.get(
        reverse("reports:index"),
        {"date_from": "2026-01-01", "date_to": "2026-03-31"},
        user=administrator,
    )
    panel = page.html.find("section", attrs={"aria-labelledby": "outbound-panel-heading"})
    assert "5 items in all" in panel.get_text(" ", strip=True)
    captions = [c.get_text(strip=True) for c in panel.select("caption")]
    assert captions == [
        "Items by kind of agency, per month",
        "Items by outcome of counsel's review, per month",
        "Items by sending office, per month",
    ]
    # A year reads down the page: one row per month, a column per kind (then the total).
    heads = [c.get_text(strip=True) for c in panel.select_one("thead tr").select("th")]
    assert heads == ["Month", "Immigration enforcement", "Federal law enforcement", "Total"]
    first = panel.select_one("tbody tr")
    assert [c.get_text(strip=True) for c in first.select("th, td")] == ["Jan 2026", "2", "0", "2"]
    region = panel.select_one("div[role=region]")
    assert region["tabindex"] == "0" and region["aria-label"]


def test_with_no_item_the_panel_says_so(django_app, administrator):
    page = django_app.get(reverse("reports:index"), user=administrator)
    assert "No staff email with record data was found for these filters." in page.text
