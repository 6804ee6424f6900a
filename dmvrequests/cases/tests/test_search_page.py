"""The search page at any number of matches (cases/search.py): the newest first, an exact
count up to SEARCH_LIMIT and "more than" beyond it, one read of the matches' ids, the
visibility rule's arms counted once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases import search, services, views
from dmvrequests.cases.search import newest_matching_ids, search_page
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def roberts(count, *, office, clerk, first=0):
    """`count` cases of subjects named Robert, received a minute apart (the last newest)."""
    start = timezone.now() - timedelta(days=2)
    return [
        make_case(
            office=office,
            actor=clerk,
            subject_name=f"Robert Number{n}",
            subject_license_number=f"L{n:08d}",
            received_at=start + timedelta(minutes=n),
        )
        for n in range(first, first + count)
    ]


def listed(response):
    """The case numbers of the results table, in the order shown."""
    table = response.html.find("table")
    return [] if table is None else [row.find("a").text for row in table.tbody.find_all("tr")]


def count_line(response):
    return " ".join(response.html.find(id="search-count").text.split())


@pytest.fixture
def small_pages(monkeypatch):
    """Four matches counted, two a page: the "more than" page without 501 cases."""
    monkeypatch.setattr(search, "SEARCH_LIMIT", 4)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)


def test_the_page_lists_the_newest_first_and_counts_them(django_app, office, clerk):
    cases = roberts(3, office=office, clerk=clerk)
    make_case(office=office, actor=clerk, subject_name="Julie Chen")
    page = django_app.get(reverse("cases:search"), {"q": "robert"}, user=clerk.username)
    assert count_line(page) == "3 cases found for “robert”."
    assert listed(page) == [case.number for case in reversed(cases)]


def test_more_than_the_limit_is_said_and_the_newest_are_paged(
    django_app, office, clerk, small_pages
):
    cases = roberts(6, office=office, clerk=clerk)
    newest = [case.number for case in reversed(cases)]
    first = django_app.get(reverse("cases:search"), {"q": "Robert"}, user=clerk.username)
    assert count_line(first).startswith("More than 4 cases found for “Robert”;")
    assert "the 4 most recently received are listed" in count_line(first)
    assert listed(first) == newest[:2]
    assert "Page 1 of 2" in first.html.find(class_="usa-pagination").text
    second = first.click(description="Next", index=0)
    assert listed(second) == newest[2:4]
    assert second.html.find(class_="usa-pagination__next-page") is None


def test_at_the_limit_the_count_is_exact(django_app, office, clerk, small_pages):
    roberts(4, office=office, clerk=clerk)
    page = django_app.get(reverse("cases:search"), {"q": "Robert"}, user=clerk.username)
    assert count_line(page) == "4 cases found for “Robert”."


def test_nothing_found_says_so(django_app, office, clerk):
    roberts(1, office=office, clerk=clerk)
    page = django_app.get(reverse("cases:search"), {"q": "Zebulon"}, user=clerk.username)
    assert count_line(page) == "0 cases found for “Zebulon”."
    assert "No case you can see matches" in page.text
    assert listed(page) == []


def test_cases_received_at_the_same_time_come_newest_id_first(office, clerk):
    when = timezone.now() - timedelta(hours=1)
    older, newer = (
        make_case(office=office, actor=clerk, subject_name="Robert Twin", received_at=when)
        for _ in range(2)
    )
    assert newest_matching_ids(clerk, "robert twin", 10) == [newer.pk, older.pk]


def test_a_case_in_two_arms_is_counted_once(office, clerk, counsel):
    (case,) = roberts(1, office=office, clerk=clerk)
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    # The office's arm and the assigned arm both find it; so do the name and the license.
    assert newest_matching_ids(counsel, "Robert", 10) == [case.pk]
    assert newest_matching_ids(counsel, "L00000000", 10) == [case.pk]
    results = search_page(counsel, "Robert", 1, 50)
    shown = [row.number for row in results.page.object_list]
    assert (results.count, results.more, shown) == (1, False, [case.number])


def test_each_arm_gives_its_newest_and_the_union_the_newest_of_all(
    office, clerk, other_clerk, other_counsel
):
    # Three of the other office's cases shared with our clerk, newer than our office's
    # three: with a limit of 4, the shared arm's newest 4 and the office arm's newest 4
    # hold the newest 4 of all, which is what is kept.
    ours = roberts(3, office=office, clerk=clerk)
    theirs = roberts(3, office=other_clerk.office, clerk=other_clerk, first=3)
    for case in theirs:
        services.case_share(case=case, actor=other_counsel, user=clerk, reason="Joint inquiry")
    newest_first = [case.pk for case in reversed(ours + theirs)]
    assert newest_matching_ids(clerk, "Robert", 4) == newest_first[:4]
    assert newest_matching_ids(clerk, "Robert", 10) == newest_first


def test_another_offices_cases_are_found_only_once_shared(office, clerk, counsel, other_clerk):
    (case,) = roberts(1, office=office, clerk=clerk)
    assert newest_matching_ids(other_clerk, "Robert", 10) == []
    services.case_share(case=case, actor=counsel, user=other_clerk, reason="Joint inquiry")
    assert newest_matching_ids(other_clerk, "Robert", 10) == [case.pk]


def test_an_auditor_finds_every_office_and_an_administrator_none(
    office, other_office, clerk, other_clerk, auditor, administrator
):
    mine = roberts(1, office=office, clerk=clerk)
    theirs = roberts(1, office=other_office, clerk=other_clerk, first=1)
    assert newest_matching_ids(auditor, "Robert", 10) == [theirs[0].pk, mine[0].pk]
    assert newest_matching_ids(administrator, "Robert", 10) == []


def test_a_text_that_matches_nothing_is_not_sent(clerk):
    with CaptureQueriesContext(connection) as captured:
        for text in ("", "   ", "x" * 201, "nul\x00"):
            assert newest_matching_ids(clerk, text, 10) == []
    assert len(captured) == 0


def test_the_page_reads_the_matches_once_whatever_their_number(client, office, clerk, small_pages):
    client.force_login(clerk)
    url = reverse("cases:search") + "?q=Robert"
    roberts(2, office=office, clerk=clerk)

    def reads():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured if "cases_disclosurerequest" in q["sql"]]

    few = reads()
    roberts(8, office=office, clerk=clerk, first=2)
    many = reads()
    assert len(few) == len(many) == 2
    # The first read is of ids only, at most SEARCH_LIMIT + 1 of them (LIMIT 5).
    assert many[0].startswith("SELECT * FROM (SELECT")
    assert "LIMIT 5" in many[0]
    assert "COUNT(" not in " ".join(many).upper()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_the_ids_are_read_with_rows_priced_as_cached_in_a_transaction_of_their_own(office, clerk):
    (case,) = roberts(1, office=office, clerk=clerk)
    with CaptureQueriesContext(connection) as captured:
        assert newest_matching_ids(clerk, "Robert", 10) == [case.pk]
    statements = [q["sql"] for q in captured]
    at = statements.index(search.RANDOM_PAGE_COST_SQL)
    assert statements[at + 1].startswith("SELECT * FROM (SELECT")
    # SET LOCAL ended with the search's transaction: the next query is priced as configured.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost')")
        assert cursor.fetchone()[0] != "1.1"
