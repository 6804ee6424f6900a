"""The block list page (newcomer's findings): a blocked agency with no ORI on file is named,
with what to do, but stays out of the files for the switch; each block's "In effect from" is a
date and time in the state's time zone with its abbreviation; the administration site shows
a version's hand-over in that time zone too, not in UTC. Pages driven as rendered."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from dmvrequests.agencies.models import BlocklistVersion, OriBlock
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
SUMMER = datetime(2026, 3, 15, 4, 30, tzinfo=UTC)  # 00:30 in New York (daylight time)
WINTER = datetime(2026, 1, 10, 15, 45, tzinfo=UTC)  # 10:45 in New York (standard time)


@pytest.fixture(autouse=True)
def _new_york(settings):
    settings.TIME_ZONE = "America/New_York"


@pytest.fixture
def agencies():
    """ICE (blocked, its pattern), a unit blocked with no ORI on file, an ORI blocked on its
    own."""
    ice = AgencyFactory(
        name="ICE ERO",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law.",
        blocked_since=SUMMER,
    )
    unit = AgencyFactory(
        name="Border Unit",
        kind="immigration",
        blocked=True,
        blocked_reason="Civil immigration enforcement.",
        blocked_since=WINTER,
    )
    OriBlock.objects.create(ori="NY0099900", reason="Misuse", effective_at=WINTER)
    return {"ice": ice, "unit": unit}


def without_ori_rows(page):
    return [
        [cell.get_text(" ", strip=True) for cell in tr.find_all(["th", "td"])]
        for tr in page.html.select("#blocked-without-ori tbody tr")
    ]


def test_a_blocked_agency_without_an_ori_is_named_with_what_to_do(
    django_app, agencies, administrator
):
    page = django_app.get(reverse("network:blocklist"), user=administrator)
    section = page.html.find(id="blocked-without-ori")
    heading = section.find("h2").get_text(" ", strip=True)
    assert heading == "1 blocked agency with no ORI on file"
    assert "no ORI or pattern to hand over" in section.get_text(" ", strip=True)
    assert without_ori_rows(page) == [
        [
            "Border Unit",
            "Civil immigration enforcement.",
            "Jan 10, 2026 10:45 EST",
            "No ORI or pattern to hand over : add its ORIs (Border Unit) on the administration "
            "site.",
        ]
    ]
    assert section.find("caption").get_text(strip=True) == "Blocked agencies with no ORI on file"
    assert section.select("th[scope=col]") and section.select("th[scope=row]")
    listed = [th.get_text(strip=True) for th in page.html.select("table")[0].select("tbody th")]
    assert listed == ["DCICE*", "NY0099900"]  # the list for the switch holds ORIs only

    # The files for the switch, as downloaded from the page and exported, leave it out.
    download = page.click(description="Download as CSV")
    assert [row[0] for row in csv.reader(io.StringIO(download.text))] == [
        "ori",
        "DCICE*",
        "NY0099900",
    ]
    text = page.click(description="Download as plain text").text
    assert "Border Unit" not in text and "Civil immigration" not in text
    out = io.StringIO()
    call_command("export_ori_blocklist", "--format", "text", stdout=out)
    assert out.getvalue() == text

    # Its ORIs added on the administration site (the link): it joins the list to hand over.
    admin_page = page.click(description="add its ORIs")
    form = admin_page.forms["agency_form"]
    form["oris"] = "DCBRD*"
    form.submit().follow()
    page = django_app.get(reverse("network:blocklist"), user=administrator)
    assert page.html.find(id="blocked-without-ori") is None
    listed = [th.get_text(strip=True) for th in page.html.select("table")[0].select("tbody th")]
    assert listed == ["DCBRD*", "DCICE*", "NY0099900"]


def test_a_hand_over_holds_no_agency_without_an_ori(django_app, agencies, administrator):
    page = django_app.get(reverse("network:blocklist"), user=administrator)
    form = page.forms[1]
    form["confirm"] = True
    page = form.submit().follow()
    assert BlocklistVersion.objects.get().oris == "DCICE* NY0099900"
    assert without_ori_rows(page)[0][0] == "Border Unit"  # still said: nothing was handed over


def test_in_effect_from_is_a_date_and_time_with_the_zone(django_app, agencies, administrator):
    page = django_app.get(reverse("network:blocklist"), user=administrator)
    times = {
        row.th.get_text(strip=True): row.select("td")[2].find("time")
        for row in page.html.select("table")[0].select("tbody tr")
    }
    assert times["DCICE*"].get_text() == "Mar 15, 2026 00:30 EDT"
    assert times["DCICE*"]["datetime"] == "2026-03-15T00:30:00-04:00"
    assert times["NY0099900"].get_text() == "Jan 10, 2026 10:45 EST"
    heading = page.html.select_one("table thead").get_text(" ", strip=True)
    assert "In effect from" in heading

    ice = django_app.get(reverse("network:agency", args=[agencies["ice"].pk]), user=administrator)
    row = ice.html.select_one("#table-blocks tbody tr")
    assert row.find("time").get_text() == "Mar 15, 2026 00:30 EDT"
    block = ice.html.select_one("#agency-block h2").get_text(" ", strip=True)
    assert block.startswith("Blocked since Mar 15, 2026 00:30 EDT")


def test_a_block_with_no_recorded_time_says_so(django_app, administrator):
    AgencyFactory(name="Old Block", oris="DCOLD*", blocked=True, blocked_reason="Of old.")
    page = django_app.get(reverse("network:blocklist"), user=administrator)
    row = page.html.select("table")[0].select_one("tbody tr")
    assert row.select("td")[2].get_text(strip=True) == "Not recorded"


def test_the_admin_shows_a_hand_over_in_the_state_s_time_zone(django_app, administrator):
    version = BlocklistVersion.objects.create(content="ori\n", oris="DCICE*")
    BlocklistVersion.objects.filter(pk=version.pk).update(handed_over_at=SUMMER)
    listing = django_app.get(
        reverse("admin:agencies_blocklistversion_changelist"), user=administrator
    )
    shown = listing.html.select_one("#result_list tbody time")
    assert shown.get_text() == "Mar 15, 2026 00:30 EDT"
    assert shown["datetime"] == "2026-03-15T00:30:00-04:00"
    page = django_app.get(
        reverse("admin:agencies_blocklistversion_change", args=[version.pk]), user=administrator
    )
    assert page.html.title.get_text().startswith("Block list of Mar 15, 2026 00:30 EDT")
    field = page.html.select_one(".field-handed_over .readonly").get_text(strip=True)
    assert field == "Mar 15, 2026 00:30 EDT"
    assert "04:30" not in page.html.select_one("#content").get_text()  # no UTC time


def test_the_admin_lists_ori_blocks_in_the_state_s_time_zone(django_app, administrator):
    OriBlock.objects.create(ori="NY0099900", reason="Misuse", effective_at=WINTER, lifted_at=SUMMER)
    page = django_app.get(reverse("admin:agencies_oriblock_changelist"), user=administrator)
    times = [t.get_text() for t in page.html.select("#result_list tbody time")]
    assert times == ["Jan 10, 2026 10:45 EST", "Mar 15, 2026 00:30 EDT"]
    headings = page.html.select_one("#result_list thead").get_text(" ", strip=True)
    assert "In effect from" in headings and "Lifted at" in headings
