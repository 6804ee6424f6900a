"""Pages do a constant number of queries, whatever the number of cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dmvrequests.cases import services
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db


def add_cases(count, *, office, clerk, submit=True):
    agencies = [AgencyFactory() for _ in range(3)]
    for n in range(count):
        case = make_case(office=office, actor=clerk, agency=agencies[n % 3], emergency=n % 7 == 0)
        if submit:
            services.case_submit(case=case, actor=clerk)
    return case


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "role,url",
    [
        ("clerk", "/cases/"),
        ("clerk", "/cases/?status=in_review"),
        ("counsel", "/cases/"),
        ("counsel", "/cases/?tab=mine"),
        ("clerk", "/cases/search/?q=Maria"),
    ],
)
def test_queues_do_the_same_queries_at_10_and_200_cases(client, request, office, clerk, role, url):
    user = request.getfixturevalue(role)
    client.force_login(user)
    add_cases(10, office=office, clerk=clerk)
    at_10 = queries(client, url)
    add_cases(190, office=office, clerk=clerk)
    assert queries(client, url) == at_10


def test_the_case_page_does_the_same_queries_at_10_and_200_cases(client, office, clerk, counsel):
    client.force_login(counsel)
    last = add_cases(10, office=office, clerk=clerk)
    at_10 = queries(client, reverse("cases:detail", args=[last.number]))
    last = add_cases(190, office=office, clerk=clerk)
    assert queries(client, reverse("cases:detail", args=[last.number])) == at_10
