"""The timeline as the case page and the full timeline draw it (a Jinja2 template,
jinja2/audit/_timeline.html, through the `timeline_section` tag): a change's old and new text
escaped with its line breaks kept, counts in words, the links to the full timeline, pages."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import Action, Kind
from dmvrequests.audit.services import CASE_OBJECT_TYPE, audit_record
from dmvrequests.cases.services import case_update_intake
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def test_a_change_is_shown_escaped_with_its_line_breaks(django_app, office, clerk):
    case = make_case(office=office, actor=clerk, narrative="before")
    case_update_intake(case=case, actor=clerk, narrative="first <b>line</b>\nsecond")
    for url in (case.get_absolute_url(), reverse("audit:case_timeline", args=[case.number])):
        page = django_app.get(url, user=clerk)
        assert "first &lt;b&gt;line&lt;/b&gt;<br>second" in page.text
        assert "<b>line</b>" not in page.text
        section = page.html.select_one("section#timeline")
        assert section.select_one("h2").text == "Timeline"
        assert section.select_one('input[name="kind"]') is not None


def test_the_case_page_sends_to_the_full_timeline_with_the_kinds_chosen(django_app, office, clerk):
    case = make_case(office=office, actor=clerk, narrative="n0")
    for n in range(1, 30):  # more events than the case page shows
        case_update_intake(case=case, actor=clerk, narrative=f"n{n}")
    page = django_app.get(case.get_absolute_url() + "?kind=change&kind=transition", user=clerk)
    status = page.html.select_one("section#timeline p[role=status]")
    assert "earlier events are on" in status.text
    link = status.select_one("a")["href"]
    assert (
        link == reverse("audit:case_timeline", args=[case.number]) + "?kind=change&kind=transition"
    )


def test_the_full_timeline_is_paged_and_folds_reads(django_app, office, clerk):
    case = make_case(office=office, actor=clerk)
    for _ in range(60):
        audit_record(
            kind=Kind.ACCESS,
            action=Action.VIEW_CASE,
            user=clerk,
            case_number=case.number,
            object_type=CASE_OBJECT_TYPE,
            object_id=case.pk,
        )
    for n in range(55):
        case_update_intake(case=case, actor=clerk, narrative=f"edit {n}")
    url = reverse("audit:case_timeline", args=[case.number])
    page = django_app.get(url + "?page=2", user=clerk)
    status = page.html.select_one("section#timeline p[role=status]").text
    assert status.startswith("Events 51 to ")
    nav = page.html.select_one('nav[aria-label="Pagination"]')
    assert "Page 2 of" in nav.text and nav.select_one("a.usa-pagination__previous-page")
    first = django_app.get(url, user=clerk).html
    assert first.select("li.timeline-read-run details summary")  # the reads, folded


def test_each_event_s_time_carries_the_state_s_zone(django_app, office, clerk):
    case = make_case(office=office, actor=clerk, narrative="before")
    case_update_intake(case=case, actor=clerk, narrative="after")
    for url in (case.get_absolute_url(), reverse("audit:case_timeline", args=[case.number])):
        times = django_app.get(url, user=clerk).html.select("section#timeline li time")
        assert times
        for time in times:
            local = timezone.localtime(datetime.fromisoformat(time["datetime"]))
            # To the second, in the state's time zone with its abbreviation (EST or EDT).
            assert time.get_text() == f"{local:%b} {local.day}, {local:%Y %H:%M:%S %Z}"
            assert local.tzname() in ("EST", "EDT")
