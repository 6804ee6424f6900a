"""The tick that an ORI of another state (DC, a territory) is right for a state or local agency of
this state is kept in the agency's history: who confirmed which ORI of which jurisdiction for
which agency, and when (the history row's user and date, its reason the words), on the Unknown
ORIs page and on the agency's page of the administration site; shown on the agency's history
page of the administration site. No such words when nothing needed confirming. The messages
name the jurisdiction (DC and territories are not states) and say what to check on each form.
Forms filled in as rendered."""

import pytest
from django.urls import reverse

from dmvrequests.agencies.models import CHANGE_REASON_MAX, Agency, other_state_reason
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _new_york(settings):
    settings.DMV_STATE = "NY"


@pytest.fixture
def police():
    return AgencyFactory(
        name="Albany Police Department", kind="local_law_enforcement", ori="NY0010100"
    )


def attribute(django_app, user, ori, agency, *, tick):
    """Attribute `ori` to `agency` on the Unknown ORIs page; tick the box when it asks."""
    form = django_app.get(reverse("network:unknown_oris"), user=user).forms[1]
    form["ori"] = ori
    form["agency"] = str(agency.pk)
    if tick:
        page = form.submit(status=400)
        form = page.forms[1]
        form["other_state_confirmed"] = True
    return form.submit().follow()


def history_rows(django_app, user, agency):
    """The agency's history page of the administration site: its rows as the cells' words."""
    url = reverse("admin:agencies_agency_history", args=[agency.pk])
    table = django_app.get(url, user=user).html.find(id="change-history")
    header = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    return [
        dict(zip(header, (td.get_text(" ", strip=True) for td in tr.find_all("td")), strict=True))
        for tr in table.tbody.find_all("tr")
    ]


def test_the_unknown_oris_page_keeps_the_confirmation(django_app, administrator, police):
    page = attribute(django_app, administrator, "nj0300000", police, tick=True)
    assert "NJ0300000 now belongs to Albany Police Department." in page.text
    latest = police.history.first()
    said = (
        "Attributed and confirmed NJ0300000, an ORI of NJ (New Jersey), "
        "for Albany Police Department"
    )
    assert latest.history_change_reason == said
    assert latest.history_user == administrator
    assert latest.oris == "NJ0300000"
    newest = history_rows(django_app, administrator, police)[0]
    assert newest["Change reason"] == said
    assert newest["Changed by"] == str(administrator)
    assert newest["Date/time"].endswith((" EST", " EDT"))  # when, in the state's zone


def test_dc_is_named_not_called_a_state(django_app, administrator, police):
    form = django_app.get(reverse("network:unknown_oris"), user=administrator).forms[1]
    form["ori"] = "DCICE*"
    form["agency"] = str(police.pk)
    said = form.submit(status=400).html.find(id="ori-error").get_text(" ", strip=True)
    assert "DCICE* starts with DC (the District of Columbia), not NY" in said
    assert "state's code" not in said
    page = attribute(django_app, administrator, "DCICE*", police, tick=True)
    assert "DCICE* now belongs to Albany Police Department." in page.text
    assert police.history.first().history_change_reason.startswith(
        "Attributed and confirmed DCICE*, an ORI pattern of DC (the District of Columbia)"
    )


def test_a_territory_is_named(django_app, administrator, police):
    form = django_app.get(reverse("network:unknown_oris"), user=administrator).forms[1]
    form["ori"] = "PR0010000"
    form["agency"] = str(police.pk)
    said = form.submit(status=400).html.find(id="ori-error").get_text(" ", strip=True)
    assert "PR0010000 starts with PR (Puerto Rico), not NY" in said


def test_no_confirmation_recorded_when_none_was_needed(django_app, administrator):
    troopers = AgencyFactory(name="Virginia State Police", kind="state_law_enforcement")
    troopers.jurisdiction = "VA"
    troopers.save()
    attribute(django_app, administrator, "VA0290000", troopers, tick=False)
    assert troopers.history.first().history_change_reason == "ORI VA0290000 attributed"
    reasons = [row["Change reason"] for row in history_rows(django_app, administrator, troopers)]
    assert not any("onfirmed" in reason for reason in reasons)


def admin_change(django_app, user, agency):
    url = reverse("admin:agencies_agency_change", args=[agency.pk])
    return django_app.get(url, user=user).forms["agency_form"]


def test_the_administration_site_keeps_the_confirmation(django_app, administrator, police):
    form = admin_change(django_app, administrator, police)
    form["oris"] = "NJ0300000 PA01*"
    page = form.submit(status=200)
    said = page.html.select_one(".field-oris .errorlist").get_text(" ", strip=True)
    assert "NJ0300000 starts with NJ (New Jersey), not NY" in said
    assert "PA01* starts with PA (Pennsylvania), not NY" in said
    assert police.history.count() == 1  # nothing saved, nothing recorded
    form = page.forms["agency_form"]
    form["other_state_confirmed"] = True
    form.submit().follow()
    latest = police.history.first()
    said = "Confirmed NJ0300000 (NJ), PA01* (PA), out-of-state ORIs, for Albany Police Department"
    assert latest.history_change_reason == said
    assert latest.history_user == administrator
    newest = history_rows(django_app, administrator, police)[0]
    assert newest["Change reason"] == said
    assert newest["Changed by"] == str(administrator)
    assert "NJ0300000 PA01*" in newest["Changes"]  # the ORIs before and after


def test_one_ori_confirmed_on_the_administration_site(django_app, administrator, police):
    form = admin_change(django_app, administrator, police)
    form["oris"] = "DC0010000"
    form = form.submit(status=200).forms["agency_form"]
    form["other_state_confirmed"] = True
    form.submit().follow()
    assert police.history.first().history_change_reason == (
        "Confirmed DC0010000, an ORI of DC (the District of Columbia), for Albany Police Department"
    )


def test_a_tick_with_nothing_to_confirm_records_nothing(django_app, administrator, police):
    form = admin_change(django_app, administrator, police)
    form["name"] = ""  # refused: the page comes back with the tick box
    form["oris"] = "NY0010200"
    form = form.submit(status=200).forms["agency_form"]
    form["name"] = "Albany Police Department"
    form["other_state_confirmed"] = True  # ticked, though the ORI is the state's own
    form.submit().follow()
    police.refresh_from_db()
    assert police.ori_list == ["NY0010100", "NY0010200"]
    assert police.history.first().history_change_reason is None
    # Saving again, the ORI already held: not asked, not recorded.
    admin_change(django_app, administrator, police).submit().follow()
    assert police.history.first().history_change_reason is None


def test_a_new_agency_confirmed_on_the_administration_site(django_app, administrator):
    page = django_app.get(reverse("admin:agencies_agency_add"), user=administrator)
    form = page.forms["agency_form"]
    form["name"] = "Schenectady Police"
    form["slug"] = "schenectady-police"
    form["kind"] = "local_law_enforcement"
    form["ori"] = "vi0470000"
    page = form.submit(status=200)
    said = page.html.select_one(".field-ori .errorlist").get_text(" ", strip=True)
    assert "VI0470000 starts with VI (the U.S. Virgin Islands), not NY" in said
    form = page.forms["agency_form"]
    form["other_state_confirmed"] = True
    form.submit().follow()
    first = Agency.objects.get(slug="schenectady-police").history.get()
    assert first.history_type == "+"
    assert first.history_change_reason == (
        "Confirmed VI0470000, an ORI of VI (the U.S. Virgin Islands), for Schenectady Police"
    )


def test_a_long_name_still_fits_the_history(django_app, administrator):
    """The history's reason is a varchar(100) (simple-history): PostgreSQL refuses longer."""
    agency = AgencyFactory(name="Police Department of " + "A" * 170, ori="NY0010300")
    attribute(django_app, administrator, "MP0010000", agency, tick=True)
    reason = agency.history.first().history_change_reason
    assert len(reason) <= CHANGE_REASON_MAX
    assert reason.startswith("Attributed and confirmed MP0010000, an ORI of MP (the Northern")
    assert reason.endswith("…")
    many = [(f"NJ{n:07d}", "NJ") for n in range(20)]
    words = other_state_reason(many, agency_name=agency.name)
    assert len(words) <= CHANGE_REASON_MAX and "more, out-of-state ORIs" in words
