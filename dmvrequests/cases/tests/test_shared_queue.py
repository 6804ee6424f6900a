"""The queue's "Shared with us" view: the cases another office shares with the user or the
user's office, to read only, found from the queue rather than only by a link (a newcomer's
trial: a shared case opened only by its address)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dmvrequests.audit.models import AuditRecord
from dmvrequests.cases import services
from dmvrequests.testing import UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_clerk(other_office):
    return UserFactory(username="clerk2", office=other_office, role="Clerk")


def shared_cases(office, clerk, counsel, *, to):
    """Two cases of `office`, the first shared with `to` (an office or a user), the second not."""
    shared = make_case(office=office, actor=clerk, subject_name="Maria Lopez")
    kept = make_case(office=office, actor=clerk, subject_name="Ana Ruiz")
    services.case_submit(case=shared, actor=clerk)
    services.case_assign(case=shared, actor=counsel, counsel=counsel)
    where = {"office": to} if hasattr(to, "code") else {"user": to}
    share = services.case_share(case=shared, actor=counsel, reason="Joint inquiry", **where)
    return shared, kept, share


def test_a_clerk_of_the_other_office_finds_the_shared_case_in_the_queue(
    django_app, office, other_office, clerk, counsel, other_clerk
):
    shared, kept, _ = shared_cases(office, clerk, counsel, to=other_office)
    queue = django_app.get("/cases/", user=other_clerk.username)
    assert "Shared with us" in queue and shared.number not in queue
    page = queue.click("Shared with us")
    assert page.status_code == 200
    assert "<h1>Shared with us</h1>" in page
    assert shared.number in page and kept.number not in page
    case_page = page.click(shared.number)
    assert "read only" in case_page
    # The list shows a subject's name: its read is in the audit log, as every queue's.
    assert AuditRecord.objects.filter(
        case_number=shared.number, action="list_queue", username=other_clerk.username
    ).exists()


def test_a_personal_share_shows_to_that_person_only(
    django_app, office, other_office, clerk, counsel, other_clerk, other_counsel
):
    shared, _, _ = shared_cases(office, clerk, counsel, to=other_counsel)
    assert shared.number in django_app.get("/cases/?tab=shared", user=other_counsel.username)
    assert shared.number not in django_app.get("/cases/?tab=shared", user=other_clerk.username)


def test_a_revoked_share_leaves_the_view_and_the_office_s_own_cases_are_not_in_it(
    django_app, office, other_office, clerk, counsel, other_clerk
):
    shared, _, share = shared_cases(office, clerk, counsel, to=other_office)
    services.case_share_revoke(share=share, actor=counsel, reason="Inquiry over")
    page = django_app.get("/cases/?tab=shared", user=other_clerk.username)
    assert shared.number not in page
    assert "No case of another office is shared with you or your office" in page
    own = django_app.get("/cases/?tab=shared", user=clerk.username)
    assert shared.number not in own


def test_the_status_filter_narrows_the_shared_view(
    django_app, office, other_office, clerk, counsel, other_counsel
):
    shared, _, _ = shared_cases(office, clerk, counsel, to=other_office)
    page = django_app.get("/cases/?tab=shared", user=other_counsel.username)
    form = page.forms[next(k for k, f in page.forms.items() if "status" in f.fields)]
    form["status"] = "closed"
    filtered = form.submit()
    assert shared.number not in filtered and "with this status" in filtered
    form["status"] = "in_review"
    assert shared.number in form.submit()


def test_the_shared_view_does_the_same_queries_at_1_and_12_shares(
    client, office, other_office, clerk, counsel, other_clerk
):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/?tab=shared").status_code == 200
        return len(captured)

    client.force_login(other_clerk)
    shared_cases(office, clerk, counsel, to=other_office)
    once = count()
    for _ in range(11):
        shared_cases(office, clerk, counsel, to=other_office)
    assert count() == once
