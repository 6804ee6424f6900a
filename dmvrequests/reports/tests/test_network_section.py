"""The transparency report's network-query section: the switch journal's queries by kind of
agency, immigration agencies' queries, photo requests and block leaks, small counts
suppressed as in the rest of the report."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from dmvrequests.reports.network import network_section
from dmvrequests.reports.transparency import Period
from dmvrequests.switchjournal.services import journal_import
from dmvrequests.switchjournal.tests.journals import entry, journal, query_run, stored_queries
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
START = datetime(2025, 2, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def journal_q1():
    """Q1 2025: 12 police queries, 3 ICE queries (2 asking for the photo), 1 unknown ORI's,
    and one answer with data to ICE after its block (a leak)."""
    AgencyFactory(name="Troy PD", kind="local_law_enforcement", oris="NY0020*")
    AgencyFactory(
        name="ICE",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law.",
        blocked_since=START - timedelta(days=1),
    )
    police = query_run("NY0020100", START, 12, step=timedelta(minutes=30))
    hour = START + timedelta(days=3)
    text = journal(
        *police,
        entry(hour, "IN", 100, "DQ.DCICE0100.NY.K1.TXT", "OLN/D1.IMQ/Y."),
        entry(hour, "IN", 101, "DQ.DCICE0100.NY.K2.TXT", "OLN/D2.IMQ/Y."),
        entry(hour, "IN", 102, "DQ.DCICE0100.NY.K3.TXT", "OLN/D3."),
        entry(hour, "IN", 103, "DQ.DCZZZ0100.NY.TXT", "OLN/D4."),
        entry(hour + timedelta(seconds=3), "OUT", 104, "DR.NY0000000.DCICE0100.K3.TXT", "OK"),
    )
    journal_import([line.encode() for line in text.splitlines(True)], name="q1.txt")


def test_small_counts_are_suppressed_with_their_complement(journal_q1):
    section = network_section(Period(2025, 1), threshold=5)
    by_kind = {key: shown for key, _, shown in section.by_kind}
    assert by_kind["immigration"] == "fewer than 5"
    assert by_kind["unknown"] == "fewer than 5"
    # The total minus police would give ICE and unknown together; both small, 4 in all:
    # the reader learns the pair sums to 4 but cannot pin either (1+3, 2+2, 3+1).
    assert by_kind["local_law_enforcement"] == "12" and section.total == "16"
    assert by_kind["court"] == "0"
    lines = {key: shown for key, _, shown in section.lines}
    assert lines == {
        "immigration": "fewer than 5",
        "image": "fewer than 5",
        "immigration_image": "fewer than 5",
        "block_leaks": "fewer than 5",
    }
    assert not section.empty


def test_a_count_at_the_threshold_is_published(journal_q1):
    section = network_section(Period(2025, 1), threshold=2)
    lines = {key: shown for key, _, shown in section.lines}
    assert lines["image"] == "2" and lines["block_leaks"] == "fewer than 2"
    # The unknown ORI's 1 is small; with the total published, ICE's 3 would give it away.
    assert {key: shown for key, _, shown in section.by_kind}["immigration"] == "withheld"
    assert lines["immigration"] == "withheld"


def test_a_period_without_journal_says_so(client, administrator, journal_q1):
    client.force_login(administrator)
    page = client.get(reverse("reports:transparency"), {"year": 2025, "period": "q2"})
    assert "switch's queries of DMV records for this period were not imported" in (
        page.content.decode()
    )
    response = client.get(reverse("reports:transparency_csv"), {"year": 2025, "period": "q2"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows and not [r for r in rows if r["table"].startswith("network_")]


def test_the_page_and_csv_publish_the_section(client, administrator, journal_q1):
    client.force_login(administrator)
    page = client.get(reverse("reports:transparency"), {"year": 2025, "period": "q1"})
    text = page.content.decode()
    assert "Automated queries over Nlets" in text and "Block leaks" in text
    response = client.get(reverse("reports:transparency_csv"), {"year": 2025, "period": "q1"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    network = {(r["table"], r["key"]): r["requests"] for r in rows if "network" in r["table"]}
    assert network[("network_by_agency_kind", "local_law_enforcement")] == "12"
    assert network[("network_by_agency_kind", "total")] == "16"
    assert network[("network_queries", "block_leaks")] == "fewer than 5"


def test_the_page_publishes_large_counts_with_separators(client, administrator):
    stored_queries(datetime(2025, 7, 10, 14, tzinfo=UTC), 1200)
    client.force_login(administrator)
    page = client.get(reverse("reports:transparency"), {"year": 2025, "period": "q3"})
    assert "1,200" in page.content.decode()
    response = client.get(reverse("reports:transparency_csv"), {"year": 2025, "period": "q3"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    total = [r for r in rows if (r["table"], r["key"]) == ("network_by_agency_kind", "total")]
    assert total[0]["requests"] == "1200"
