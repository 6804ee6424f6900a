"""The selectors the "Network queries" pages read: figures by month and agency kind, shares,
photo requests, unknown ORIs, bursts, block leaks and the entries behind a figure, each under
a filter of local days, agency kind and agency."""

from datetime import UTC, date, datetime, timedelta

import pytest

from dmvrequests.switchjournal import selectors
from dmvrequests.switchjournal.selectors import JournalFilter
from dmvrequests.switchjournal.tests.journals import entry, journal, query_run
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
MARCH = JournalFilter(date(2026, 3, 1), date(2026, 3, 31))
SPRING = JournalFilter(date(2026, 2, 1), date(2026, 4, 30))


@pytest.fixture
def traffic(import_log):
    ice = AgencyFactory(
        name="ICE",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law",
        blocked_since=datetime(2026, 3, 1, 5, tzinfo=UTC),
    )
    police = AgencyFactory(name="Albany Police", kind="local_law_enforcement", ori="NY0010100")
    code, _, _ = import_log(
        journal(
            # February 28 at 23:30 in New York: a February query although March 1 in UTC.
            entry("2026-02-28T23:30:00-05:00", "IN", 1, "DQ.DCICE0100.NY.TXT", "OLN/D1."),
            entry("2026-03-02T09:00:00-05:00", "IN", 2, "DQ.DCICE0100.NY.C1.TXT", "OLN/D2.IMQ/Y"),
            entry(
                "2026-03-02T09:00:02-05:00", "OUT", 3, "DR.NY0000000.DCICE0100.C1.TXT", "OLN/D2."
            ),
            entry("2026-03-03T09:00:00-05:00", "IN", 4, "RPQ.NY0010100.NY.TXT", "LIC/AB*."),
            entry("2026-03-04T09:00:00-05:00", "IN", 5, "DNQ.ZZ1234567.NY.TXT", "NAM/DOE,J.IMQ/Y"),
            entry("2026-03-20T09:00:00-04:00", "IN", 6, "DQ.ZZ1234567.NY.TXT", "NAM/DOE,J."),
            entry("2026-04-01T09:00:00-04:00", "OUT", 7, "DR.NY0000000.DCICE0100.TXT", "NO RECORD"),
            *query_run("NY0010100", datetime(2026, 4, 2, 14, tzinfo=UTC), 50, first_sequence=100),
        )
    )
    assert code == 0
    return ice, police


def test_monthly_by_kind_lists_every_month_and_kind(traffic):
    months = selectors.monthly_by_kind(SPRING)
    assert [m["month"] for m in months] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    february, march, april = months
    assert february["queries"] == 1 and february["by_kind"]["immigration"] == 1
    assert march["by_kind"]["immigration"] == 1
    assert march["by_kind"]["local_law_enforcement"] == 1
    assert march["by_kind"]["unknown"] == 2 and march["by_kind"]["court"] == 0
    assert april["queries"] == 50 and list(april["by_kind"])[-1] == "unknown"


def test_totals_monthly_shares_and_photo_requests(traffic):
    figures = selectors.totals(MARCH)
    assert (figures["queries"], figures["responses"], figures["immigration"]) == (4, 1, 1)
    assert (figures["image"], figures["immigration_image"], figures["unknown_image"]) == (2, 1, 1)
    assert (figures["name_only"], figures["partial_plate"], figures["blocked"]) == (2, 1, 1)
    assert (figures["block_leaks"], figures["refused"]) == (1, 0)
    shares = selectors.immigration_share(SPRING)
    assert [s["share"] for s in shares] == [1.0, 0.25, 0.0]
    assert selectors.immigration_share(JournalFilter(date(2026, 5, 1), date(2026, 5, 2))) == [
        {"month": date(2026, 5, 1), "queries": 0, "immigration": 0, "share": None}
    ]
    photos = selectors.photo_requests(MARCH)
    assert photos == [
        {"month": date(2026, 3, 1), "image": 2, "immigration_image": 1, "unknown_image": 1}
    ]
    kinds = selectors.query_kinds(SPRING)
    assert [(k["name_only"], k["partial_plate"]) for k in kinds] == [(0, 0), (2, 1), (0, 0)]
    april = selectors.totals(JournalFilter(date(2026, 4, 1), date(2026, 4, 30)))
    assert (april["responses"], april["refused"], april["block_leaks"]) == (1, 1, 0)


def test_filters_by_kind_and_agency(traffic):
    ice, police = traffic
    immigration = JournalFilter(MARCH.date_from, MARCH.date_to, agency_kind="immigration")
    assert selectors.totals(immigration)["queries"] == 1
    assert selectors.by_agency_kind(immigration)["unknown"] == 0
    of_police = JournalFilter(SPRING.date_from, SPRING.date_to, agency_id=police.pk)
    assert selectors.totals(of_police)["queries"] == 51
    assert selectors.by_message_key(of_police) == {"DQ": 50, "RPQ": 1}
    assert [b["ori"] for b in selectors.bursts(of_police)] == ["NY0010100"]
    of_ice = JournalFilter(SPRING.date_from, SPRING.date_to, agency_id=ice.pk)
    assert selectors.bursts(of_ice) == []


def test_unknown_and_top_oris_and_an_agencys_oris(traffic):
    ice, police = traffic
    unknown = selectors.unknown_oris(MARCH)
    assert unknown == [
        {
            "ori": "ZZ1234567",
            "queries": 2,
            "image": 1,
            "name_only": 2,
            "partial_plate": 0,
            "blocked": 0,
            "first_day": date(2026, 3, 4),
            "last_day": date(2026, 3, 20),
        }
    ]
    assert selectors.unknown_oris(JournalFilter(MARCH.date_from, MARCH.date_to, "court")) == []
    top = selectors.top_oris(SPRING, limit=2)
    assert [(t["ori"], t["agency"], t["kind"], t["queries"]) for t in top] == [
        ("NY0010100", "Albany Police", "local_law_enforcement", 51),
        ("DCICE0100", "ICE", "immigration", 2),
    ]
    oris = selectors.oris_of_agency(ice.pk, date(2026, 2, 1), date(2026, 4, 30))
    assert [(o["ori"], o["queries"], o["blocked"], o["first_day"]) for o in oris] == [
        ("DCICE0100", 2, 1, date(2026, 2, 28))
    ]


def test_block_leaks_and_the_entries_behind_a_figure(traffic):
    leaks = selectors.block_leaks(SPRING)
    assert len(leaks) == 1
    leak = leaks[0]
    assert (leak["ori"], leak["agency"], leak["query_key"], leak["image"]) == (
        "DCICE0100",
        "ICE",
        "DQ",
        True,
    )
    found = selectors.entry_with_query(leak["id"])
    assert found is not None and found[1] is not None and found[1].sequence == 2
    assert list(selectors.responses_to(found[1].pk)) == [found[0]]
    assert selectors.entry_with_query(10**12) is None
    assert [e.sequence for e in selectors.entries(MARCH, "image")] == [5, 2]
    assert [e.sequence for e in selectors.entries(MARCH, "unknown_image")] == [5]
    assert selectors.entries(SPRING, "block_leaks").get().sequence == 3
    assert selectors.entries(SPRING, "responses").count() == 2
    with pytest.raises(ValueError, match="no figure"):
        selectors.entries(MARCH, "everything")


def test_months_between_spans_years():
    assert selectors.months_between(date(2025, 12, 31), date(2026, 1, 1)) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]
    assert selectors.months_between(date(2026, 1, 31), date(2026, 1, 1) - timedelta(days=1)) == []
