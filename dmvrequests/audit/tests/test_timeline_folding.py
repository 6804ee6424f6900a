"""The case page's timeline: the work first, reads folded into one line per person;
the auditor's timeline keeps every read in time order, each run folded per reader."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dmvrequests.audit.models import Action, Kind
from dmvrequests.audit.services import access_log, audit_record
from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome
from dmvrequests.cases.timeline_reads import READS_SHOWN, case_readers, timeline_context

pytestmark = pytest.mark.django_db


def read(case, user, action=Action.VIEW_CASE, times=1):
    request = RequestFactory().get("/")
    request.user = user
    for _ in range(times):
        access_log(request=request, action=action, case=case)


@pytest.fixture
def busy_case(case, clerk, counsel):
    """A decided case that counsel opened twelve times and the clerk found in a search."""
    services.document_add(case=case, actor=clerk, type="court_order", issuer="state_judge")
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    read(case, counsel, times=12)
    read(case, clerk, Action.SEARCH)
    services.case_decide(
        case=case,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address", "license_record"],
    )
    return case


def context_for(case, *, fold, **query):
    return timeline_context(RequestFactory().get("/", query), case, fold=fold)


def test_reads_leave_the_story_and_come_one_line_per_person(busy_case, clerk, counsel):
    context = context_for(busy_case, fold=True)
    assert [e for e in context["timeline"] if e.kind == "read"] == []
    assert any(e.kind == "decision" for e in context["timeline"])
    readers = {summary.who: summary for summary in context["timeline_reads"]}
    assert set(readers) == {str(clerk), str(counsel)}
    assert readers[str(counsel)].times == 12
    # The latest READS_SHOWN are listed; the full timeline lists the two before them.
    assert len(readers[str(counsel)].events) == READS_SHOWN == 10
    assert readers[str(counsel)].earlier == 2
    assert re.fullmatch(
        rf"{re.escape(str(counsel))} viewed the case 12 times, last [A-Z][a-z]{{2}} \d{{1,2}}",
        readers[str(counsel)].sentence,
    )
    assert readers[str(clerk)].sentence.startswith(f"{clerk} found the case in a search once")


def test_the_latest_reader_comes_first(busy_case, clerk, counsel):
    read(busy_case, clerk)
    readers = context_for(busy_case, fold=True)["timeline_reads"]
    assert readers[0].who == str(clerk)
    assert readers[0].sentence.startswith(
        f"{clerk} viewed the case once and found the case in a search once"
    )


def test_reads_on_list_pages_fold_with_the_others(busy_case, clerk):
    for _ in range(3):
        audit_record(
            kind=Kind.ACCESS, action=Action.LIST_QUEUE, user=clerk, case_number=busy_case.number
        )
    (summary,) = [
        s for s in context_for(busy_case, fold=True)["timeline_reads"] if s.who == str(clerk)
    ]
    assert summary.times == 4
    assert "saw the case in a queue 3 times" in summary.sentence


def test_a_refused_read_stays_in_the_story(busy_case, other_clerk):
    audit_record(
        kind=Kind.ACCESS,
        action=Action.VIEW_CASE,
        outcome="denied",
        user=other_clerk,
        case_number=busy_case.number,
    )
    context = context_for(busy_case, fold=True)
    refused = [e for e in context["timeline"] if e.kind == "read"]
    assert [e.sentence for e in refused] == [f"{other_clerk} was refused access to the case"]
    assert str(other_clerk) not in {s.who for s in context["timeline_reads"]}


def test_without_fold_every_read_is_kept_in_its_run(busy_case):
    context = context_for(busy_case, fold=False)
    assert context["timeline_reads"] == []
    reads = [e for e in context["timeline"] if e.kind == "read"]
    assert sum(len(summary.events) for summary in reads) == 13


def test_a_case_nobody_read_has_no_readers(case):
    assert case_readers(case) == []


def test_readers_are_counted_in_one_query_however_many_reads(
    busy_case, clerk, counsel, django_assert_num_queries
):
    read(busy_case, counsel, times=30)
    read(busy_case, clerk, Action.LIST_QUEUE, times=5)
    with django_assert_num_queries(1):
        readers = {summary.who: summary for summary in case_readers(busy_case)}
    assert readers[str(counsel)].times == 42
    assert readers[str(counsel)].counts == ((Action.VIEW_CASE, 42),)
    assert [e.read_action for e in readers[str(counsel)].events] == [Action.VIEW_CASE] * 10
    # Each action keeps its count, even when none of its reads is among the latest listed.
    assert dict(readers[str(clerk)].counts) == {Action.SEARCH: 1, Action.LIST_QUEUE: 5}
    assert readers[str(clerk)].times == 6
    assert readers[str(clerk)].first <= readers[str(clerk)].last
    events = readers[str(counsel)].events
    assert [e.when for e in events] == sorted(e.when for e in events)


def test_a_filter_without_reads_leaves_the_readers_out(busy_case):
    context = context_for(busy_case, fold=True, kind="decision")
    assert context["timeline_reads"] == []
    assert {e.kind for e in context["timeline"]} == {"decision"}


def _main_list(body):
    section = body[body.index('id="timeline"') :]
    return section[: section.index("Who read the case")]


def test_the_case_page_shows_the_work_first_and_the_reads_folded(client, busy_case, counsel):
    client.force_login(counsel)
    body = client.get(reverse("cases:detail", args=[busy_case.number])).content.decode()
    main = _main_list(body)
    assert f"{counsel} approved the request" in main
    assert "viewed the case" not in main
    folded = body[body.index("Who read the case") :]
    assert "<details>" in folded
    # This page load is the thirteenth view.
    assert f"{counsel} viewed the case 13 times, last" in folded


def test_the_auditors_timeline_folds_reads_in_place_and_keeps_every_one(
    django_app, busy_case, auditor, counsel
):
    """Newcomers' finding 5: the auditor's timeline listed every read on its own line.
    Now each run of reads is one line per reader, where it happened, and unfolds."""
    page = django_app.get(reverse("audit:case_timeline", args=[busy_case.number]), user="auditor")
    items = page.html.find(id="timeline").find("ol").find_all("li", recursive=False)
    lines = [" ".join(li.get_text(" ").split()) for li in items]
    counsel_reads = [
        n for n, line in enumerate(lines) if f"{counsel} viewed the case 12 times" in line
    ]
    assert len(counsel_reads) == 1
    (where,) = counsel_reads
    # Between the submission and the decision, as it happened.
    assert any("moved the case from" in line for line in lines[:where])
    assert any("approved the request" in line for line in lines[where:])
    # Unfolded: every read with its time.
    run = items[where].find("details")
    assert run is not None
    assert len(run.find("ul").find_all("li")) == 12
    assert not any(line.endswith(f"{counsel} viewed the case") for line in lines)
    assert "Who read the case" not in page.text


def test_in_place_folding_keeps_the_order_and_refused_reads(busy_case, other_clerk):
    audit_record(
        kind=Kind.ACCESS,
        action=Action.VIEW_CASE,
        outcome="denied",
        user=other_clerk,
        case_number=busy_case.number,
    )
    timeline = context_for(busy_case, fold=False)["timeline"]
    folded = [e for e in timeline if getattr(e, "folded", False)]
    assert sum(s.times for s in folded) == 13
    assert [e.when for e in timeline] == sorted(e.when for e in timeline)
    assert timeline[-1].sentence == f"{other_clerk} was refused access to the case"


@pytest.fixture
def long_case(case, clerk):
    """A case with thirty intake edits: more events than the case page shows."""
    for n in range(30):
        case = services.case_update_intake(case=case, actor=clerk, narrative=f"Call {n}.")
    return case


def test_the_case_page_shows_the_latest_events_and_links_the_earlier(django_app, long_case, clerk):
    from dmvrequests.cases.timeline_reads import CASE_PAGE_EVENTS

    page = django_app.get(long_case.get_absolute_url(), user=clerk.username)
    status = " ".join(page.html.select_one("#timeline p[role=status]").get_text().split())
    found = re.search(r"of (\d+) events", status)
    assert found is not None, status
    total = int(found.group(1))
    assert status.startswith(f"The latest {CASE_PAGE_EVENTS} of {total} events, oldest first")
    assert f"The {total - CASE_PAGE_EVENTS} earlier events are on the full timeline." in status
    events = page.html.select("#timeline ol > li")
    assert len(events) == CASE_PAGE_EVENTS
    assert "Call 29." in events[-1].get_text()
    assert "Call 0." not in page.html.select_one("#timeline ol").get_text()
    full = page.click("the full timeline")
    assert full.request.path == reverse("audit:case_timeline", args=[long_case.number])


def test_the_full_timeline_comes_a_page_at_a_time(django_app, long_case, clerk, monkeypatch):
    from dmvrequests.cases import timeline_reads

    monkeypatch.setattr(timeline_reads, "TIMELINE_PAGE_EVENTS", 10)
    url = reverse("audit:case_timeline", args=[long_case.number])
    first = django_app.get(url, user=clerk.username)
    status = " ".join(first.html.select_one("#timeline p[role=status]").get_text().split())
    found = re.search(r"of (\d+),", status)
    assert found is not None, status
    total = int(found.group(1))
    assert status.startswith(f"Events 1 to 10 of {total}, oldest first")
    assert len(first.html.select("#timeline ol > li")) == 10
    second = first.click(description="Next", href="page=2")
    assert "Events 11 to 20 of" in " ".join(second.html.get_text().split())
    # A page past the last, or not a number, shows a page rather than an error.
    assert django_app.get(f"{url}?page=999", user=clerk.username).status_code == 200
    not_a_number = django_app.get(f"{url}?page=x", user=clerk.username)
    assert "Events 1 to 10 of" in " ".join(not_a_number.html.get_text().split())
    # The kind filter is kept from page to page.
    filtered = django_app.get(f"{url}?kind=change&page=2", user=clerk.username)
    assert "of the chosen kinds" in filtered


def test_each_read_is_told_as_its_audit_record_would_be(busy_case, clerk, counsel):
    """case_readers reads the records' columns, not AuditRecord instances: each read it lists
    is the TimelineEvent `record_event` makes of the stored record."""
    from dmvrequests.audit.models import AuditRecord
    from dmvrequests.cases.timeline import record_event

    stored = AuditRecord.objects.filter(
        case_number=busy_case.number, kind=Kind.ACCESS, outcome="success"
    ).order_by("-seq")
    expected = [record_event(r) for r in stored.filter(user=counsel)[:READS_SHOWN]]
    expected += [record_event(r) for r in stored.filter(user=clerk)]
    listed = [event for summary in case_readers(busy_case) for event in summary.events]
    assert len(listed) == READS_SHOWN + 1
    assert sorted(listed, key=lambda e: (e.when, e.sentence)) == sorted(
        expected, key=lambda e: (e.when, e.sentence)
    )
