"""Every place that lists block leaks says whether each came after its block was handed over to
the switch (the block at the switch did not hold: the serious case) or before (the block had
not yet reached the switch): the section's leaks table, its alert and CSV, the entries behind
it and an agency's page (newcomer's finding: nothing told them apart). Read in a constant
number of queries, whatever the leaks and the hand-overs. Pages driven as rendered."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.blocklist import SwitchLists
from dmvrequests.agencies.models import BlocklistVersion
from dmvrequests.switchjournal import figures as figures_of
from dmvrequests.switchjournal import generation, selectors
from dmvrequests.switchjournal.services import journal_import
from dmvrequests.switchjournal.tests.journals import entry, journal
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
AFTER = "After the block was handed over to the switch: the block at the switch did not hold"
BEFORE = "Before the block was handed over to the switch: the block had not yet reached the switch"
BOTH = (
    "1 after the block was handed over to the switch (the block at the switch did not hold), "
    "1 before (the block had not yet reached the switch)"
)


def leak(when, ori, sequence):
    """A query from `ori` at `when` answered with data 5 seconds later (sequence+1)."""
    control = f"C{sequence}"
    return [
        entry(when, "IN", sequence, f"DQ.{ori}.NY.{control}.TXT", "OLN/D1234567."),
        entry(
            when + timedelta(seconds=5),
            "OUT",
            sequence + 1,
            f"DR.NY0000000.{ori}.{control}.TXT",
            "OLN/D1234567.",
        ),
    ]


def imported(*leaks):
    text = journal(*(part for pair in leaks for part in pair))
    summary = journal_import([line.encode() for line in text.splitlines(True)], name="t.txt")
    assert summary.rejected_count == 0, summary
    return summary


def handed_over(when, oris="DCICE*"):
    """A version of the block list handed over to the switch at `when`."""
    version = BlocklistVersion.objects.create(content="", oris=oris)
    BlocklistVersion.objects.filter(pk=version.pk).update(handed_over_at=when)
    return version


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def ice(blocked_ice, now):
    """ICE blocked for a month; its block handed over two days ago; leaks to DCICE0100 three
    days ago and one day ago, to DCICE0200 since the hand-over, to DCICE0300 before it."""
    handed_over(now - timedelta(days=2))
    imported(
        leak(now - timedelta(days=3), "DCICE0100", 1),
        leak(now - timedelta(days=1), "DCICE0100", 3),
        leak(now - timedelta(hours=20), "DCICE0200", 5),
        leak(now - timedelta(days=3, hours=-1), "DCICE0300", 7),
    )
    return blocked_ice


def cells(page, table_id):
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in page.html.select(f"#{table_id} tbody tr")
    ]


def test_the_leaks_table_says_before_or_after_the_hand_over(django_app, ice, administrator):
    page = django_app.get(reverse("network:index"), user=administrator)
    headings = [th.get_text(strip=True) for th in page.html.select("#table-leaks thead th")]
    assert headings == ["ORI (agency)", "Responses", "Latest", "Before or after the hand-over"]
    assert {row[0]: (row[1], row[3]) for row in cells(page, "table-leaks")} == {
        "DCICE0100 (ICE ERO)": ("2", BOTH),
        "DCICE0200 (ICE ERO)": ("1", AFTER),
        "DCICE0300 (ICE ERO)": ("1", BEFORE),
    }
    summary = page.html.select_one("#section-leaks p").get_text(" ", strip=True)
    assert summary.startswith(
        "4 responses carried DMV data to a blocked ORI: 2 after the block was handed over to the "
        "switch (the block at the switch did not hold), 2 before (the block had not yet reached "
        "the switch)."
    )
    alert = page.html.select_one("#leak-alert").get_text(" ", strip=True)
    assert "The switch answered 4 times with DMV data to an ORI on the block list: 2 after" in alert
    assert "check on the block list page" in alert  # the administrator's own steps

    download = page.click(description="Download “Block leaks” as CSV")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["ORI (agency)", "Responses", "Latest", "Before or after the hand-over"]
    assert [row[3] for row in rows[1:]] == [BOTH, AFTER, BEFORE]


def test_leaks_all_before_the_hand_over_are_not_said_to_have_broken_the_block(
    django_app, now, administrator
):
    AgencyFactory(
        name="HSI",
        kind="immigration",
        oris="DCHSI*",
        blocked=True,
        blocked_reason="State law.",
        blocked_since=now - timedelta(days=30),
    )
    imported(leak(now - timedelta(days=1), "DCHSI0100", 1))
    page = django_app.get(reverse("network:index"), user=administrator)
    assert cells(page, "table-leaks")[0][3] == BEFORE
    section = page.html.select_one("#section-leaks").get_text(" ", strip=True)
    alert = page.html.select_one("#leak-alert").get_text(" ", strip=True)
    for text in (section, alert):
        assert "did not hold" not in text
        assert "before the block was handed over to the switch" in text
    assert "check on the block list page that the block has since been handed over" in section


def test_each_entry_behind_the_figure_says_when_it_came(django_app, ice, counsel):
    page = django_app.get(reverse("network:index"), user=counsel)
    page = page.click(href=r"entries/\?figure=leaks")
    flags = {}
    for row in page.html.select("tbody tr"):
        message = row.select_one("td[data-label=Message]").get_text(" ", strip=True)
        sequence = message.split("no. ")[1].split()[0]
        flags[sequence] = [li.get_text(strip=True) for li in row.select("td[data-label=Flags] li")]
    leaked = "Block leak: data sent to a blocked ORI"
    assert flags == {
        "2": [leaked, BEFORE],
        "4": [leaked, AFTER],
        "6": [leaked, AFTER],
        "8": [leaked, BEFORE],
    }


def test_an_agency_s_page_lists_its_leaks_with_when_they_came(django_app, ice, now, counsel):
    page = django_app.get(reverse("network:agency", args=[ice.pk]), user=counsel)
    assert [row[3] for row in cells(page, "table-leaks")] == [BOTH, AFTER, BEFORE]
    assert page.html.select_one("#table-leaks caption").get_text(strip=True) == "Block leaks"
    police = AgencyFactory(name="Albany Police", ori="NY0010100")
    page = django_app.get(reverse("network:agency", args=[police.pk]), user=counsel)
    assert page.html.find(id="table-leaks") is None  # no leak, no table of them


def test_a_leak_at_the_hand_over_s_second_and_a_list_that_left_the_ori_out(now):
    """At or after the hand-over's time is after it; a later version without the ORI (or a
    pattern of it) is no block at the switch. The table's count by version (SQL) and each
    leak (Python) agree."""
    AgencyFactory(
        name="CBP",
        kind="immigration",
        oris="DCCBP*",
        blocked=True,
        blocked_reason="State law.",
        blocked_since=now - timedelta(days=30),
    )
    first = now - timedelta(days=5)
    handed_over(first, "DCCBP*")
    handed_over(now - timedelta(days=2), "NY0099900")  # DCCBP* left out
    imported(
        leak(first - timedelta(seconds=6), "DCCBP0100", 1),  # answered a second before
        leak(first - timedelta(seconds=5), "DCCBP0100", 3),  # answered at the second
        leak(now - timedelta(days=3), "DCCBP0100", 5),
        leak(now - timedelta(days=1), "DCCBP0100", 7),
    )
    today = timezone.localdate()
    scope = selectors.JournalFilter(today - timedelta(days=10), today)
    each = {leak["timestamp"]: leak["at_switch"] for leak in selectors.block_leaks(scope)}
    assert [each[moment] for moment in sorted(each)] == [False, True, True, False]
    (row,) = selectors.block_leaks_by_ori(scope)
    assert (row["leaks"], row["after"], row["before"]) == (4, 2, 2)


def test_the_leaks_are_read_in_the_same_queries_whatever_their_number(
    django_app, ice, now, counsel, django_assert_max_num_queries
):
    today = timezone.localdate()
    filters = figures_of.Filters(today - timedelta(days=30), today)
    url = reverse("network:entries")

    def counted():
        with CaptureQueriesContext(connection) as figure:
            figures_of.build_leaks(filters)
        built = len(figure)  # now: a request empties the connection's log of queries
        django_app.get(url, {"figure": "leaks"}, user=counsel)  # the session settled
        with CaptureQueriesContext(connection) as page:
            django_app.get(url, {"figure": "leaks"}, user=counsel)
        return built, len(page)

    few = counted()
    for day in (4, 3, 1):
        handed_over(now - timedelta(days=day, hours=1), "DCICE* NY0099900")
    start = now - timedelta(hours=10)
    imported(*(leak(start + timedelta(minutes=i), f"DCICE{i:04d}", 100 + 2 * i) for i in range(60)))
    assert counted() == few
    with django_assert_max_num_queries(20):
        page = django_app.get(url, {"figure": "leaks"}, user=counsel)
    assert len(page.html.select("tbody tr")) == 50


def test_recording_a_hand_over_makes_the_cached_figures_stale(
    django_app, ice, administrator, django_capture_on_commit_callbacks
):
    before = generation.current()
    page = django_app.get(reverse("network:blocklist"), user=administrator)
    form = page.forms[1]
    form["confirm"] = True
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    assert generation.current() != before


def test_the_switch_held_the_latest_version_handed_over_at_or_before_a_time(now):
    lists = SwitchLists([(now, "DCICE* NY0010100"), (now + timedelta(days=1), "NY0010100")])
    assert not lists.at_switch("DCICE0100", now - timedelta(seconds=1))
    assert lists.at_switch("dcice0100", now)  # any case, by the pattern's prefix
    assert lists.at_switch("NY0010100", now + timedelta(days=2))
    assert not lists.at_switch("DCICE0100", now + timedelta(days=1))  # left out since
    assert SwitchLists([]).held_at(now) is None  # nothing handed over yet
