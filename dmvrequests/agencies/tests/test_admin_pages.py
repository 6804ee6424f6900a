"""The administration site's pages of the directory (and django-otp's device pages): every field
has a label, a date and time is one labelled input (newcomer's axe findings: the ORI block's
split date and time inputs had no label, "label"), the breadcrumbs' links are underlined
("link-in-text-block"), and an agency's page says which of its ORIs are on the block list and
whether the switch has them, in the block list's words. Forms filled in as rendered."""

import re
from datetime import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.models import OriBlock
from dmvrequests.testing import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
FIELDS = "input, select, textarea"
UNNAMED_TYPES = {"hidden", "submit", "button", "reset", "image"}


def unlabelled(page):
    """The fields of the page that no label, aria-label or aria-labelledby names (an inline's
    hidden template row aside: never shown, it is copied when a row is added)."""
    html = page.html
    missing = []
    for field in html.select(FIELDS):
        if field.get("type") in UNNAMED_TYPES or field.find_parent(class_="empty-form"):
            continue
        named = (
            field.get("aria-label")
            or field.get("aria-labelledby")
            or field.find_parent("label") is not None
            or (field.get("id") and html.find("label", attrs={"for": field["id"]}))
        )
        if not named:
            missing.append(field.get("name") or field.get("id") or str(field)[:80])
    return missing


@pytest.fixture
def superuser(office):
    """An administrator with every permission of the site, django-otp's device pages included."""
    return UserFactory(
        username="root", office=office, role="Administrator", is_staff=True, is_superuser=True
    )


@pytest.mark.parametrize(
    "name",
    [
        "admin:agencies_oriblock_add",
        "admin:agencies_agency_add",
        "admin:agencies_officer_add",
        "admin:otp_totp_totpdevice_add",
        "admin:otp_static_staticdevice_add",
    ],
)
def test_every_field_of_an_add_page_has_a_label(django_app, superuser, name):
    page = django_app.get(reverse(name), user=superuser)
    assert page.html.select(FIELDS)
    assert unlabelled(page) == []
    # No date and time split in two inputs any more: one input, named by the field's label.
    assert not page.html.select("input.vDateField, input.vTimeField")
    for field in page.html.select("input[type=datetime-local]"):
        label = page.html.find("label", attrs={"for": field["id"]}).get_text(strip=True)
        assert label and field["step"] == "1"


def test_an_ori_block_is_added_and_lifted_with_one_input_a_time(django_app, administrator):
    page = django_app.get(reverse("admin:agencies_oriblock_add"), user=administrator)
    assert unlabelled(page) == []
    label = page.html.find("label", attrs={"for": "id_effective_at"})
    assert label.get_text(strip=True) == "In effect from:"
    form = page.forms["oriblock_form"]
    form["ori"] = "NY0020000"
    form["reason"] = "Queries for a private investigator."
    form["effective_at"] = "2026-11-01T08:30:15"
    form.submit().follow()
    block = OriBlock.objects.get()
    assert timezone.localtime(block.effective_at).replace(tzinfo=None) == datetime(
        2026, 11, 1, 8, 30, 15
    )
    page = django_app.get(
        reverse("admin:agencies_oriblock_change", args=[block.pk]), user=administrator
    )
    assert unlabelled(page) == []
    form = page.forms["oriblock_form"]
    assert form["effective_at"].value == "2026-11-01T08:30:15"  # to the second, as stored
    form["reason"] = "Queries for a private investigator, twice."
    form.submit().follow()
    before = block.effective_at
    block.refresh_from_db()
    assert block.effective_at == before  # a time left alone stays as it was
    page = django_app.get(
        reverse("admin:agencies_oriblock_change", args=[block.pk]), user=administrator
    )
    form = page.forms["oriblock_form"]
    form["lifted_at"] = "2026-10-01T00:00"
    page = form.submit()
    assert "A block is lifted after it took effect." in page.text


def test_the_breadcrumbs_links_are_underlined(django_app, administrator):
    page = django_app.get(reverse("admin:agencies_oriblock_add"), user=administrator)
    assert page.html.select("div.breadcrumbs a")
    sheets = [link["href"] for link in page.html.select("link[rel=stylesheet]")]
    assert any(href.endswith("/css/admin.css") for href in sheets)
    # After Django's base.css, whose rule it overrides.
    assert sheets.index(next(h for h in sheets if h.endswith("/css/admin.css"))) > sheets.index(
        next(h for h in sheets if h.endswith("admin/css/base.css"))
    )
    path = finders.find("css/admin.css")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as css:
        text = css.read()
    rule = re.search(r"div\.breadcrumbs a,[^{]*\{([^}]*)\}", text)
    assert rule is not None and "text-decoration: underline" in rule.group(1)


def test_an_agency_s_page_says_which_of_its_oris_the_switch_has(
    django_app, administrator, blocked_ice
):
    ice = blocked_ice
    OriBlock.objects.create(ori="DCICE0990", reason="Misuse", effective_at=timezone.now())
    url = reverse("admin:agencies_agency_change", args=[ice.pk])
    page = django_app.get(url, user=administrator)
    said = page.html.select_one(".field-block_list .readonly")
    assert [li.get_text(strip=True) for li in said("li")] == [
        "DCICE*: Not yet handed over to the switch",
        "DCICE0990: Not yet handed over to the switch",
    ]
    listed = page.click(description="The block list")
    assert listed.html.h1.get_text(strip=True) == "ORI block list"
    form = listed.forms[1]
    form["confirm"] = True
    form.submit().follow()
    page = django_app.get(url, user=administrator)
    said = page.html.select_one(".field-block_list .readonly")
    assert [li.get_text(strip=True) for li in said("li")] == [
        "DCICE*: Handed over to the switch",
        "DCICE0990: Handed over to the switch",
    ]
    police = AgencyFactory(name="Albany Police", ori="NY0010100")
    page = django_app.get(
        reverse("admin:agencies_agency_change", args=[police.pk]), user=administrator
    )
    said = page.html.select_one(".field-block_list .readonly").get_text(" ", strip=True)
    assert said.startswith("None of the agency's ORIs is on the block list.")
