"""An agency's page shows its ORIs on the block list with their state at the switch, in the
block list's own words, and links to the block list (newcomer's finding: the page said
nothing of the ORIs blocked on their own, nor whether the switch had them). Forms filled in as
rendered."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.models import OriBlock
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ice(blocked_ice):
    """A blocked immigration agency (its pattern) with one of its ORIs also blocked on its
    own; an ORI of no agency blocked on its own."""
    now = timezone.now()
    OriBlock.objects.create(ori="DCICE0990", reason="Misuse", effective_at=now)
    OriBlock.objects.create(ori="ZZ9990002", reason="Unknown sender", effective_at=now)
    return blocked_ice


def at_switch(page, table_id):
    """{ORI: its "At the switch" words} of a table whose rows start ORI, ..., state."""
    return {
        row.th.get_text(strip=True): row("td")[-1].get_text(" ", strip=True)
        for row in page.html.select(f"#{table_id} tbody tr")
    }


def block_list(django_app, user):
    page = django_app.get(reverse("network:blocklist"), user=user)
    rows = page.html.select("table tbody tr")
    return page, {row.th.get_text(strip=True): row("td")[-1].get_text(strip=True) for row in rows}


def test_an_agency_s_blocks_say_what_the_block_list_says(django_app, ice, administrator):
    page = django_app.get(reverse("network:agency", args=[ice.pk]), user=administrator)
    waiting = "Not yet handed over to the switch"
    assert at_switch(page, "table-blocks") == {"DCICE*": waiting, "DCICE0990": waiting}
    reasons = [
        row("td")[0].get_text(strip=True) for row in page.html.select("#table-blocks tr")[1:]
    ]
    assert reasons == [ice.blocked_reason, "Misuse"]  # the agency's block, the ORI's own
    alert = page.html.find(id="blocks-not-at-switch").get_text(" ", strip=True)
    assert "2 blocks of this agency not yet handed over to the switch" in alert
    assert "record the hand-over on the block list page" in alert
    # The link to the block list, where the same blocks say the same words.
    listed = page.click(description="The whole block list")
    assert listed.html.h1.get_text(strip=True) == "ORI block list"
    _, words = block_list(django_app, administrator)
    assert {ori: words[ori] for ori in ("DCICE*", "DCICE0990")} == at_switch(page, "table-blocks")
    assert words["ZZ9990002"] == waiting  # of no agency: on the block list, not on ICE's page

    # Handed over on the block list page: the agency's page follows.
    form = listed.forms[1]
    form["confirm"] = True
    form.submit().follow()
    page = django_app.get(reverse("network:agency", args=[ice.pk]), user=administrator)
    handed = "Handed over to the switch"
    assert at_switch(page, "table-blocks") == {"DCICE*": handed, "DCICE0990": handed}
    assert page.html.find(id="blocks-not-at-switch") is None
    assert "(handed over to the switch)" in page.html.select_one("#agency-block h2").get_text()

    # A new block of one of its ORIs is not at the switch until the next hand-over.
    OriBlock.objects.create(ori="DCICE0991", reason="Misuse", effective_at=timezone.now())
    page = django_app.get(reverse("network:agency", args=[ice.pk]), user=administrator)
    assert at_switch(page, "table-blocks") == {
        "DCICE*": handed,
        "DCICE0990": handed,
        "DCICE0991": waiting,
    }
    assert "1 block of this agency not yet" in page.html.find(id="blocks-not-at-switch").text
    _, words = block_list(django_app, administrator)
    assert {o: words[o] for o in ("DCICE*", "DCICE0990", "DCICE0991")} == at_switch(
        page, "table-blocks"
    )


def test_counsel_read_the_state_and_who_hands_the_list_over(django_app, ice, counsel):
    page = django_app.get(reverse("network:agency", args=[ice.pk]), user=counsel)
    assert set(at_switch(page, "table-blocks").values()) == {"Not yet handed over to the switch"}
    alert = page.html.find(id="blocks-not-at-switch").get_text(" ", strip=True)
    assert "An administrator gives the block list to the switch's administrator" in alert
    # Counsel may not open the block list: no link to a page that would refuse them.
    assert not page.html.select(f'a[href="{reverse("network:blocklist")}"]')


def test_an_agency_with_nothing_blocked_says_so(django_app, ice, administrator):
    police = AgencyFactory(name="Albany Police", ori="NY0010100")
    page = django_app.get(reverse("network:agency", args=[police.pk]), user=administrator)
    section = page.html.find(id="agency-blocks").get_text(" ", strip=True)
    assert "None of the agency's ORIs is on the block list." in section
    assert page.html.find(id="table-blocks") is None


def test_a_blocked_agency_without_an_ori_is_not_said_handed_over(django_app, administrator):
    agency = AgencyFactory(
        name="No ORI Unit", kind="immigration", blocked=True, blocked_reason="State law."
    )
    page = django_app.get(reverse("network:agency", args=[agency.pk]), user=administrator)
    heading = page.html.select_one("#agency-block h2").get_text(" ", strip=True)
    assert "not on the block list: the agency has no ORI" in heading
    assert "handed over to the switch" not in heading


def test_the_page_s_queries_do_not_grow_with_its_blocks(django_app, ice, administrator):
    url = reverse("network:agency", args=[ice.pk])

    def counted():
        django_app.get(url, user=administrator)  # the user's session and roles settled
        with CaptureQueriesContext(connection) as captured:
            django_app.get(url, user=administrator)
        return len(captured)

    few = counted()
    for n in range(5):
        OriBlock.objects.create(ori=f"DCICE01{n}0", reason="Misuse", effective_at=timezone.now())
    assert counted() == few
    page = django_app.get(url, user=administrator)
    assert len(page.html.select("#table-blocks tbody tr")) == 7
