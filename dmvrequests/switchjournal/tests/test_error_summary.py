"""The Network queries pages put a form's error summary where every page of the product puts
it: at the top of the page, right after its h1, outside the form, each problem linked to its
field (newcomer's finding: it sat under the form's own heading). Forms filled in as rendered."""

import pytest
from django.urls import reverse

from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db


def assert_summary_at_the_top(page):
    """One summary, the next element after the page's h1 in <main>, in no form, its links
    leading to fields of the page."""
    main = page.html.find("main")
    summaries = main.select("#error-summary")
    assert len(summaries) == 1
    summary = summaries[0]
    assert main.find("h1").find_next_sibling() is summary
    assert summary.find_parent("form") is None
    links = summary.select("a[href^='#']")
    assert links
    for link in links:
        field = page.html.find(id=link["href"][1:])
        assert field is not None and field.name in ("input", "select", "textarea"), link
    assert page.html.title.get_text().startswith("Error: ")
    return summary


def test_attributing_an_ori_with_mistakes(django_app, administrator):
    page = django_app.get(reverse("network:unknown_oris"), user=administrator)
    form = page.forms[1]
    form["ori"] = "NY-1"
    page = form.submit(status=400)
    summary = assert_summary_at_the_top(page)
    assert "Nothing was saved: correct the 2 problems below" in summary.get_text(" ")
    assert [a["href"] for a in summary("a")] == ["#id_ori", "#id_agency"]
    # The form itself keeps each message at its field.
    assert page.html.find(id="ori-error") is not None
    assert page.html.find(id="agency-error") is not None


def test_recording_a_hand_over_without_the_tick(django_app, administrator):
    page = django_app.get(reverse("network:blocklist"), user=administrator)
    page = page.forms[1].submit(status=400)
    summary = assert_summary_at_the_top(page)
    assert [a["href"] for a in summary("a")] == ["#id_confirm"]


def test_uploading_no_file(django_app, administrator):
    page = django_app.get(reverse("network:upload"), user=administrator)
    page = page.forms[1].submit(status=400)
    summary = assert_summary_at_the_top(page)
    assert "Choose the journal file to upload." in summary.get_text()


@pytest.mark.parametrize("name", ["network:index", "network:entries"])
def test_filters_in_the_wrong_order(django_app, counsel, name):
    page = django_app.get(reverse(name), user=counsel)
    form = page.forms[1]
    form["date_from"] = "2026-05-02"
    form["date_to"] = "2026-05-01"
    page = form.submit(status=400)
    summary = assert_summary_at_the_top(page)
    assert "Fix the filter: correct the problem below" in summary.get_text(" ")
    assert [a["href"] for a in summary("a")] == ["#id_date_to"]


def test_an_agency_s_period_in_the_wrong_order(django_app, counsel):
    agency = AgencyFactory(name="Albany Police", ori="NY0010100")
    page = django_app.get(reverse("network:agency", args=[agency.pk]), user=counsel)
    form = page.forms[1]
    form["date_from"] = "2026-05-02"
    form["date_to"] = "2026-05-01"
    page = form.submit(status=400)
    summary = assert_summary_at_the_top(page)
    assert [a["href"] for a in summary("a")] == ["#id_date_to"]


def test_the_other_pages_of_the_product_place_it_so(django_app, clerk):
    """The rule the Network queries pages follow is the product's: the queue's filter."""
    page = django_app.get(reverse("cases:queue"), {"status": "nope"}, user=clerk, status=400)
    main = page.html.find("main")
    assert main.find("h1").find_next_sibling() is main.find(id="error-summary")
