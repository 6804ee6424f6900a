"""Blocks set on the administration site (an agency blocked from a date, an ORI block added or
lifted) work out again the flags of the past messages of the ORIs concerned, and their daily
rollups, as `switch_log_stats` reads them (docs/network-queries.md, "Which agency"). Also: the
administrators reach the admin pages the docs name (ORI blocks, block list versions)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.models import BlocklistVersion, OriBlock
from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.tests.journals import entry, journal
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
OCTOBER = datetime(2026, 10, 20, 15, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 5, 15, tzinfo=UTC)


@pytest.fixture
def border(import_log):
    """An immigration agency not yet blocked with a query before and one after November 1
    (answered with data), and a police ORI querying in November."""
    agency = AgencyFactory(name="Border Unit", kind="immigration", oris="DCBRD*")
    import_log(
        journal(
            entry(OCTOBER, "IN", 1, "DQ.DCBRD0100.NY.TXT", "OLN/D1."),
            entry(NOVEMBER, "IN", 2, "DQ.DCBRD0100.NY.C9.TXT", "OLN/D2."),
            entry(NOVEMBER.replace(second=3), "OUT", 3, "DR.NY0000000.DCBRD0100.C9.TXT", "OLN/D2."),
            entry(NOVEMBER, "IN", 4, "DQ.NY0020000.NY.TXT", "OLN/D3."),
        )
    )
    return agency


def flags(stats):
    result = stats("2026-10-01", "2026-11-30")
    return result["blocked"], result["block_leaks"]


def block_in_admin(django_app, user, agency, since=None):
    """Block `agency` on its admin page as an administrator fills the form in (from `since`,
    "YYYY-MM-DDTHH:MM:SS", or left empty); the page after saving."""
    page = django_app.get(reverse("admin:agencies_agency_change", args=[agency.pk]), user=user)
    form = page.forms["agency_form"]
    form["blocked"] = True
    form["blocked_reason"] = "State law forbids sharing with civil immigration enforcement."
    if since is not None:
        form["blocked_since"] = since
    return form.submit().follow()


def test_blocking_an_agency_flags_its_past_messages_from_the_date(
    django_app, administrator, border, stats
):
    assert flags(stats) == (0, 0)
    block_in_admin(django_app, administrator, border, "2026-11-01T00:00:00")
    assert flags(stats) == (1, 1)
    before = JournalEntry.objects.get(sender_ori="DCBRD0100", timestamp=OCTOBER)
    assert not before.blocked
    assert border.history.first().history_user == administrator


def test_an_ori_block_added_then_lifted_flags_and_unflags(django_app, administrator, border, stats):
    page = django_app.get(reverse("admin:agencies_oriblock_add"), user=administrator)
    form = page.forms["oriblock_form"]
    form["ori"] = "ny0020000"
    form["reason"] = "Queries for a private investigator."
    form["effective_at"] = "2026-11-01T00:00"
    form.submit().follow()
    assert flags(stats) == (1, 0)
    block = OriBlock.objects.get()
    page = django_app.get(
        reverse("admin:agencies_oriblock_change", args=[block.pk]), user=administrator
    )
    form = page.forms["oriblock_form"]
    form["lifted_at"] = "2026-11-02T00:00:00"
    form.submit().follow()
    assert flags(stats) == (0, 0)


def test_administrators_reach_the_block_pages_the_docs_name(django_app, administrator):
    BlocklistVersion.objects.create(content="DCICE*\n", oris="DCICE*", handed_over_by=administrator)
    page = django_app.get(reverse("admin:agencies_oriblock_changelist"), user=administrator)
    assert "Add ORI block" in page.text
    page = django_app.get(reverse("admin:agencies_blocklistversion_changelist"), user=administrator)
    version = BlocklistVersion.objects.get()
    page = django_app.get(
        reverse("admin:agencies_blocklistversion_change", args=[version.pk]), user=administrator
    )
    assert "DCICE*" in page.text
    assert "ORIs" in page.html.select_one(".field-ori_values label").get_text()  # not "Oris"
    # Its History: not Django's "probably wasn't added via this admin site".
    page = page.click(href=reverse("admin:agencies_blocklistversion_history", args=[version.pk]))
    page = page.follow()
    assert page.request.path == reverse("admin:agencies_blocklistversion_change", args=[version.pk])
    assert "is never changed: it is recorded once, when it is handed over" in page.text
    django_app.get(reverse("admin:agencies_blocklistversion_add"), user=administrator, status=403)


def test_times_in_the_admin_give_their_zone(django_app, administrator, border):
    """The agency list's "Blocked since" and the History's changes: the state's time with its
    zone, not Django's zoneless time nor the history's raw UTC ("2026-11-01 04:00:00+00:00")."""
    block_in_admin(django_app, administrator, border, "2026-11-01T00:00:00")
    listed = django_app.get(reverse("admin:agencies_agency_changelist"), user=administrator)
    assert listed.html.select_one("td.field-blocked_from").get_text() == "Nov 1, 2026 00:00 EDT"
    history = django_app.get(
        reverse("admin:agencies_agency_history", args=[border.pk]), user=administrator
    )
    words = " ".join(history.html.get_text().split())
    assert "Blocked since: (empty) → Nov 1, 2026 00:00 EDT" in words
    assert "Blocked reason: (empty) → State law forbids" in words
    assert "Blocked: No → Yes" in words
    assert "+00:00" not in words and "None" not in words


def test_a_blocked_agency_with_no_ori_is_said_to_be_unblockable_at_the_switch(
    django_app, administrator
):
    agency = AgencyFactory(name="Harbor Unit", kind="immigration", ori="", oris="")
    page = block_in_admin(django_app, administrator, agency)
    warning = " ".join(page.html.select_one(".messagelist .warning").get_text().split())
    assert warning.startswith("Blocked, but the agency has no ORI or pattern on file, so it")
    page = django_app.get(
        reverse("admin:agencies_agency_change", args=[agency.pk]), user=administrator
    )
    assert "cannot be blocked at the switch" in page.html.select_one(".field-block_list").text


def test_a_new_block_without_a_time_takes_effect_when_saved(
    django_app, administrator, border, stats
):
    """Newcomer's finding: an agency blocked with "Blocked since" left empty counted as blocked
    for all past time, and every answer it ever had became a block leak."""
    page = django_app.get(
        reverse("admin:agencies_agency_change", args=[border.pk]), user=administrator
    )
    form = page.forms["agency_form"]
    assert "Left empty when the agency is first blocked" in page.text
    form["blocked"] = True
    form["blocked_reason"] = "State law forbids sharing with civil immigration enforcement."
    before = timezone.now().replace(microsecond=0)
    form.submit().follow()
    border.refresh_from_db()
    assert before <= border.blocked_since <= timezone.now()
    assert flags(stats) == (0, 0)  # its October and November messages stay unblocked
    # A block saved without a time earlier (older than the record of it) stays so.
    type(border).objects.filter(pk=border.pk).update(blocked_since=None)
    page = django_app.get(
        reverse("admin:agencies_agency_change", args=[border.pk]), user=administrator
    )
    page.forms["agency_form"].submit().follow()
    border.refresh_from_db()
    assert border.blocked_since is None


def test_the_oldest_version_of_an_agency_loaded_without_history_says_so(django_app, administrator):
    """An agency the installation's data made (a data migration writes no history) and later
    saved: its oldest version is a change with nothing to compare it with."""
    from dmvrequests.agencies.models import Agency

    (agency,) = Agency.objects.bulk_create([Agency(name="Old Unit", slug="old-unit")])
    agency.jurisdiction = "Federal"
    agency.save()
    history = django_app.get(
        reverse("admin:agencies_agency_history", args=[agency.pk]), user=administrator
    )
    words = " ".join(history.html.select_one("#change-history tbody").get_text(" ").split())
    assert "The oldest version on record: it was made before this history was kept" in words
