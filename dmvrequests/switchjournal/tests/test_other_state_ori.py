"""An ORI of another state given to a state or local agency of this state (DMV_STATE) is
questioned before it is saved: on the Unknown ORIs page and on the agency's page of the
administration site, the page says what is odd and asks for a tick (newcomer's finding: VA0290000
was attributed to a New York police department without a word). Federal and immigration
agencies, and agencies the directory says are of that state, are never asked. Forms filled in
as rendered."""

import pytest
from django.urls import reverse

from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
CONFIRM = "Yes, attribute this out-of-state ORI to the agency"
ADMIN_CONFIRM = "Yes, this agency's out-of-state ORIs are right"


@pytest.fixture(autouse=True)
def _new_york(settings):
    settings.DMV_STATE = "NY"


@pytest.fixture
def police():
    return AgencyFactory(name="Albany Police", kind="local_law_enforcement", ori="NY0010100")


def attribute(django_app, user, ori, agency, **expect):
    page = django_app.get(reverse("network:unknown_oris"), user=user)
    form = page.forms[1]
    assert "other_state_confirmed" not in form.fields  # asked only when needed
    form["ori"] = ori
    form["agency"] = str(agency.pk)
    return form.submit(**expect)


def test_an_other_state_s_ori_for_a_local_agency_waits_for_a_tick(
    django_app, administrator, police
):
    page = attribute(django_app, administrator, "va0290000", police, status=400)
    said = page.html.find(id="ori-error").get_text(" ", strip=True)
    assert "VA0290000 starts with VA (Virginia), not NY" in said
    assert (
        "Albany Police is a local law enforcement agency, taken for one of New York's own" in said
    )
    assert "Check the ORI and the agency chosen." in said
    assert f"If they are right, tick “{CONFIRM}”." in said
    assert page.html.select_one('#error-summary a[href="#id_ori"]') is not None
    assert (
        page.html.find("label", attrs={"for": "id_other_state_confirmed"})
        .get_text(strip=True)
        .startswith(CONFIRM)
    )
    police.refresh_from_db()
    assert police.ori_list == ["NY0010100"]  # nothing saved

    form = page.forms[1]
    # It comes back as typed, with the agency chosen, and the box to tick.
    assert form["ori"].value == "va0290000" and form["agency"].value == str(police.pk)
    form["other_state_confirmed"] = True
    page = form.submit().follow()
    assert "VA0290000 now belongs to Albany Police." in page.text
    police.refresh_from_db()
    assert police.ori_list == ["NY0010100", "VA0290000"]
    assert police.history.first().history_user == administrator


def test_a_pattern_of_another_state_is_asked_about_too(django_app, administrator):
    troopers = AgencyFactory(name="State Police", kind="state_law_enforcement")
    page = attribute(django_app, administrator, "PA01*", troopers, status=400)
    said = page.html.find(id="ori-error").get_text(" ", strip=True)
    assert "PA01* starts with PA (Pennsylvania), not NY" in said
    assert "a state law enforcement agency" in said


@pytest.mark.parametrize(
    "fields, ori",
    [
        ({"kind": "federal_law_enforcement", "name": "FBI Richmond"}, "VA0290000"),
        ({"kind": "immigration", "name": "HSI Norfolk"}, "VA0290000"),
        ({"kind": "court", "name": "U.S. District Court"}, "VA0290000"),
        # The directory says the agency is Virginia's: its jurisdiction, or an ORI it holds.
        (
            {
                "kind": "state_law_enforcement",
                "name": "Virginia State Police",
                "jurisdiction": "VA",
            },
            "VA0290000",
        ),
        (
            {"kind": "local_law_enforcement", "name": "Richmond Police", "ori": "VA1220000"},
            "VA1220100",
        ),
        # The state's own ORI.
        ({"kind": "local_law_enforcement", "name": "Troy Police"}, "NY0410100"),
    ],
)
def test_no_tick_where_nothing_is_odd(django_app, administrator, fields, ori):
    agency = AgencyFactory(**fields)
    page = attribute(django_app, administrator, ori, agency).follow()
    assert f"{ori} now belongs to {agency.name}." in page.text
    assert page.html.find(id="error-summary") is None


def test_no_tick_when_the_state_is_not_set(django_app, administrator, police, settings):
    settings.DMV_STATE = ""
    page = attribute(django_app, administrator, "VA0290000", police).follow()
    assert "VA0290000 now belongs to Albany Police." in page.text


def test_the_administration_site_asks_the_same_when_an_ori_is_added(
    django_app, administrator, police
):
    url = reverse("admin:agencies_agency_change", args=[police.pk])
    page = django_app.get(url, user=administrator)
    form = page.forms["agency_form"]
    assert "other_state_confirmed" not in form.fields
    form["oris"] = "VA0290000"
    page = form.submit(status=200)  # the admin answers a refused form with 200
    said = page.html.select_one(".field-oris .errorlist").get_text(" ", strip=True)
    assert "VA0290000 starts with VA (Virginia), not NY" in said
    assert "Check the ORI and this agency's kind and jurisdiction." in said
    assert "the agency chosen" not in said  # no agency is chosen here: this one is edited
    assert f"If they are right, tick “{ADMIN_CONFIRM}”." in said
    police.refresh_from_db()
    assert police.ori_list == ["NY0010100"]
    form = page.forms["agency_form"]
    form["other_state_confirmed"] = True
    form.submit().follow()
    police.refresh_from_db()
    assert police.ori_list == ["NY0010100", "VA0290000"]
    # Saving it again asks nothing: only an ORI being added is questioned.
    page = django_app.get(url, user=administrator)
    page.forms["agency_form"].submit().follow()


def test_a_new_agency_of_the_state_with_another_state_s_main_ori(django_app, administrator):
    page = django_app.get(reverse("admin:agencies_agency_add"), user=administrator)
    form = page.forms["agency_form"]
    form["name"] = "Schenectady Police"
    form["slug"] = "schenectady-police"
    form["kind"] = "local_law_enforcement"
    form["ori"] = "nj0470000"
    page = form.submit(status=200)
    said = page.html.select_one(".field-ori .errorlist").get_text(" ", strip=True)
    assert "NJ0470000 starts with NJ (New Jersey), not NY" in said
    form = page.forms["agency_form"]
    form["jurisdiction"] = "NJ"  # the directory now says it is New Jersey's
    form.submit().follow()


def test_an_ori_another_agency_holds_is_refused_before_any_tick_is_asked(
    django_app, administrator, police, blocked_ice
):
    """Newcomer's finding: DCICE0050 for a New York police department asked for the tick, and
    only once ticked said that ICE holds it through DCICE*."""
    page = attribute(django_app, administrator, "dcice0050", police, status=400)
    said = page.html.find(id="ori-error").get_text(" ", strip=True)
    assert "DCICE0050 already belongs to ICE ERO through its pattern DCICE*" in said
    assert "starts with DC" not in said
    assert "other_state_confirmed" not in page.forms[1].fields
    police.refresh_from_db()
    assert police.ori_list == ["NY0010100"]
