"""Issue 13, item 8: no query string gives a server error.

Every page that answers a GET (the list pages, their CSV downloads, the case
pages, and the Django admin's lists with their filters) is asked for with
hypothesis-made query parameters: the names its own GET forms send, the names
the lists read (page, sort, tab, status, q, the admin's filters), and random
ones; the values are dates out of range or impossible, NUL bytes, huge numbers,
unknown choices and text in any script. The answer is never a 5xx. CI runs this
file on PostgreSQL too, where a NUL byte in a query is an error of the database.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dmvrequests.access import ACCESS
from dmvrequests.tests.test_fuzz import page_forms, role_for, url_for, world  # noqa: F401

pytestmark = pytest.mark.django_db
EXAMPLES = 8

# Pages read by GET with query parameters: every list, its downloads, and the pages
# of one case or message (their tabs and filters are query parameters too).
GET_PAGES = sorted(
    name
    for name in ACCESS
    if name
    not in {
        "accounts:login",
        "accounts:logout",
        "cases:evaluate",  # POST only: the preview of the new-request form
        "audit:verify_now",
    }
)
ADMIN_LISTS = (
    "admin:accounts_user_changelist",
    "admin:accounts_office_changelist",
    "admin:agencies_agency_changelist",
)
# Names the views read besides their forms' fields; the admin's filters and sorting.
KNOWN_NAMES = (
    "page",
    "sort",
    "tab",
    "status",
    "q",
    "kind",
    "action",
    "outcome",
    "username",
    "user",
    "case_number",
    "agency",
    "change_type",
    "date_from",
    "date_to",
    "year",
    "quarter",
    "office",
    "agency_kind",
    "clear",
    "o",
    "p",
    "e",
    "is_active__exact",
    "office__id__exact",
    "groups__id__exact",
    "username__exact",
    "name__startswith",
    "kind__exact",
    "_changelist_filters",
)
HOSTILE = (
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-31",
    "2026-13-01",
    "2026-02-29",
    "2026-02-31T25:61",
    "25:61",
    "9999-12-31T23:59",
    "\x00",
    "a\x00b",
    "%00",
    "-1",
    "0",
    str(2**63),
    str(2**70),
    "-" + str(2**70),
    "1e309",
    "NaN",
    "nonexistent-choice",
    "DR-2026-000001",
    "DR-9999-999999",
    "' OR 1=1 --",
    "\u202e\u200b\ufeff",
    "𝕄𝕒𝕣𝕚𝕒 👮",
    "x" * 5000,
)
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.dates().map(lambda d: d.isoformat()),
)


def get_form_names(client, url):
    names = set()
    for form in page_forms(client, url):
        if form["method"] == "get":
            names |= set(form["fields"])
    return names


def query_strategy(names):
    values = {name: st.one_of(VALUE, st.lists(VALUE, min_size=2, max_size=3)) for name in names}
    known = st.fixed_dictionaries({}, optional=values)
    extra = st.dictionaries(st.text(min_size=1, max_size=20), VALUE, max_size=2)
    return st.tuples(extra, known).map(lambda pair: {**pair[0], **pair[1]})


def fixed_queries(names):
    """Every name at once with each hostile value: the cases found by hand first."""
    return [dict.fromkeys(names, value) for value in HOSTILE]


def check_pages(client, user, urls):
    client.force_login(user)
    for url in urls:
        names = sorted(get_form_names(client, url) | set(KNOWN_NAMES))

        def check_one(query, url=url):
            response = client.get(url, query)
            assert response.status_code < 500, f"GET {url} {query!r}"[:2000]

        for query in fixed_queries(names):
            check_one(query)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(query=query_strategy(names))
        def check(query):
            check_one(query)

        check()


@pytest.mark.parametrize("name", GET_PAGES)
def test_no_query_string_makes_a_server_error(name, client, world):  # noqa: F811
    role = role_for(name) or "Clerk"
    url, _ = url_for(name, world)
    check_pages(client, world.users[role], [url])


def test_no_admin_filter_makes_a_server_error(client, world):  # noqa: F811
    urls = [reverse(name) for name in ADMIN_LISTS]
    check_pages(client, world.users["Administrator"], urls)


@pytest.mark.parametrize(
    "name,query",
    [
        ("audit:access_log", {"date_to": "9999-12-31"}),
        ("audit:access_log_csv", {"date_to": "9999-12-31"}),
        ("audit:history", {"date_to": "9999-12-31"}),
        ("audit:directory_history", {"date_to": "9999-12-31"}),
        ("audit:user_activity", {"date_from": "2026-01-01", "date_to": "9999-12-31"}),
        ("admin:accounts_user_changelist", {"q": "\x00"}),
        ("admin:accounts_user_changelist", {"username__exact": "a\x00b"}),
    ],
)
def test_the_reported_queries_are_answered_without_an_error(name, query, client, world):  # noqa: F811
    role = "Administrator" if name.startswith("admin:") else "Auditor"
    client.force_login(world.users[role])
    if name == "audit:user_activity":
        query = {**query, "user": world.users["Clerk"].pk}
    response = client.get(reverse(name), query)
    assert response.status_code == 400
    if "date_to" in query:
        assert "Enter a date between 1900 and 2199." in response.content.decode()


@pytest.mark.parametrize(
    "received_at,issued_on",
    [
        ("2026-02-31T09:30", "2026-02-31"),
        ("2026-03-02T25:61", "2026-02-30"),
        ("9999-12-31T23:59", "9999-12-31"),
        ("25:61", "0000-00-00"),
    ],
)
def test_the_policy_preview_takes_impossible_dates_as_not_filled_in(
    received_at,
    issued_on,
    client,
    world,  # noqa: F811
):
    from dmvrequests.cases.models import DisclosureRequest

    client.force_login(world.users["Clerk"])
    case = DisclosureRequest.objects.first()
    assert case is not None
    agency = case.agency
    response = client.post(
        reverse("cases:evaluate"),
        {
            "received_at": received_at,
            "agency": agency.pk,
            "purpose": "criminal_investigation",
            "categories": ["address"],
            "docs-0-type": "court_order",
            "docs-0-issuer": "state_judge",
            "docs-0-issued_on": issued_on,
            "docs-0-expires_on": issued_on,
        },
    )
    assert response.status_code == 200
    assert response.context["evaluation"]["decision"]


def test_try_a_request_refuses_a_date_at_the_end_of_the_calendar(client, world):  # noqa: F811
    from dmvrequests.policy.models import PolicyProfile

    profile = PolicyProfile.objects.first()
    assert profile is not None
    client.force_login(world.users["Counsel"])
    response = client.post(
        reverse("policy:try"),
        {
            "profile": profile.pk,
            "received": "9999-12-31",
            "agency_kind": "immigration",
            "agency_name": "ICE",
            "purpose": "civil_immigration_enforcement",
            "records": ["address"],
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-0-type": "judicial_warrant",
            "documents-0-issuer": "article_iii_judge",
            "documents-0-expires": "9999-12-31",
        },
    )
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2199." in response.content.decode()
    assert response.context["evaluation"] is None
