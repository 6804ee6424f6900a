"""The case page and its timeline read a case in a fixed number of queries, however long
its history: decisions, documents and their checks, questions, callbacks, releases,
shares, intake edits and reads.

Each page is measured twice, on a case with a short history and on the same case once its
history is long; the count must stay the same and within the budget. Counts, never times.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.testing import AgencyFactory, OfficeFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db

# Issue 18 asks for at most 15 on each; what they read is in docs/performance.md ("What
# limits each page"). These ceilings hold the count where it is, so a new panel or source
# that adds queries is seen. 49 and 32 before the timeline's tables and the page's lists
# were each read in one UNION ALL and the signed-in user with its roles in one query.
BUDGET = {"cases:detail": 14, "audit:case_timeline": 11}
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def counted(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), [q["sql"] for q in captured]


def _documents(case, clerk, counsel, count):
    for n in range(count):
        document = services.document_add(
            case=case,
            actor=clerk,
            type="court_order",
            issuer="state_judge",
            content=PDF + str(n).encode(),
            filename=f"order-{n}.pdf",
        )
        services.document_verify(
            document=document,
            actor=counsel,
            result="verified",
            checks=dict.fromkeys(REQUIRED_CHECKS, True),
            notes=f"Check {n}.",
        )


def _intake(case, clerk, count):
    for n in range(count):
        services.case_update_intake(case=case, actor=clerk, narrative=f"Note {n} from the agency.")


def _questions(case, clerk, counsel, count):
    for n in range(count):
        services.info_request(case=case, actor=counsel, question=f"Question {n}?")
        case.refresh_from_db()
        services.info_answer(case=case, actor=clerk, answer=f"Answer {n}.")
        case.refresh_from_db()


def _callbacks(case, clerk, count):
    for n in range(count):
        services.callback_record(
            case=case,
            actor=clerk,
            answered_by=f"Sgt. Roe {n}",
            called_at=timezone.now() - timedelta(minutes=n + 1),
            confirmed=True,
            number_called="518-555-0100",
        )


def _shares(case, counsel, count):
    for _ in range(count):
        services.case_share(
            case=case,
            actor=counsel,
            office=OfficeFactory(),
            reason="Joint investigation.",
        )


def _releases(case, clerk, count):
    for n in range(count):
        services.release_record(
            case=case,
            actor=clerk,
            categories=["address"],
            recipient=f"Det. Roe {n}",
            method="secure_email",
            released_at=timezone.now(),  # not before the approval
            expected_status=case.status,
        )
        case.refresh_from_db()


def _reads(client, case, readers):
    for reader in readers:
        client.force_login(reader)
        for _ in range(2):
            client.get(reverse("cases:detail", args=[case.number]))
            client.get(reverse("audit:case_timeline", args=[case.number]))


def grow(client, case, clerk, counsel, size):
    """`size` of every kind of event, written through the services, then decided and released."""
    _intake(case, clerk, size)
    _callbacks(case, clerk, size)
    _documents(case, clerk, counsel, size)
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    case.refresh_from_db()
    _questions(case, clerk, counsel, size)
    _shares(case, counsel, size)
    services.case_decide(
        case=case,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address", "license_record"],
    )
    case.refresh_from_db()
    _releases(case, clerk, 1)  # one release moves the case to Released
    readers = [UserFactory(office=case.office, role="Clerk") for _ in range(min(size, 2))]
    _reads(client, case, readers)
    case.refresh_from_db()
    return case


@pytest.fixture
def long_and_short(client, office, clerk, counsel):
    """(short, long): two cases of the office, one event of each kind and four."""
    agency = AgencyFactory()
    cases = []
    for size in (1, 4):
        # Received a day ago: the callbacks below were made since.
        case = make_case(
            office=office,
            actor=clerk,
            agency=agency,
            channel="phone",
            received_at=timezone.now() - timedelta(days=1),
        )
        cases.append(grow(client, case, clerk, counsel, size))
    return cases


@pytest.mark.parametrize("page", ["cases:detail", "audit:case_timeline"])
def test_a_case_page_reads_a_long_history_in_the_same_few_queries(
    client, counsel, long_and_short, page
):
    short, long = long_and_short
    client.force_login(counsel)
    at_short, _ = counted(client, reverse(page, args=[short.number]))
    at_long, statements = counted(client, reverse(page, args=[long.number]))
    assert at_long == at_short, "\n".join(statements)
    assert at_long <= BUDGET[page], "\n".join(statements)


def test_the_forms_offering_the_offices_counsel_read_them_with_the_page(
    client, office, clerk, counsel
):
    """The clerk's submit form (a case in intake) and counsel's assign form (an open case)
    list the office's counsel read in the page's lists' one query, not in one of their own:
    13 statements each, as a page without those forms."""
    UserFactory(office=office, role="Counsel", first_name="Ana", last_name="Abel")
    case = make_case(office=office, actor=clerk, channel="phone")
    url = reverse("cases:detail", args=[case.number])
    client.force_login(clerk)
    client.get(url)
    count, statements = counted(client, url)
    page = client.get(url).content.decode()
    assert 'name="submit-assigned_counsel"' in page and "Ana Abel" in page
    assert count <= 13, "\n".join(statements)
    services.callback_record(
        case=case,
        actor=clerk,
        answered_by="Sgt. Roe",
        called_at=timezone.now(),
        confirmed=True,
        number_called="518-555-0100",
    )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    client.force_login(counsel)
    client.get(url)
    count, statements = counted(client, url)
    page = client.get(url).content.decode()
    assert 'name="assign-counsel"' in page and "Ana Abel" in page
    assert count <= 13, "\n".join(statements)
