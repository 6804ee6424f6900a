"""Isolation matrix: for every URL about one case (the case, its documents and their
downloads, its history, its actions), users of another office, of the wrong role or
not assigned get 404 or 403, for GET and POST alike, and nothing changes."""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from dmvrequests.access import ACCESS, PORTAL_RULES, rule_for
from dmvrequests.cases import services
from dmvrequests.correspondence.services import letter_issue
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF"


def object_url_names(resolver=None, namespace=""):
    """Every URL name whose pattern names a case."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from object_url_names(entry, inner)
        elif isinstance(entry, URLPattern) and "<str:number>" in str(entry.pattern):
            yield f"{namespace}{entry.name}"


OBJECT_URLS = sorted(set(object_url_names()))


@pytest.fixture
def case(office, clerk, counsel, other_office):
    case = make_case(office=office, actor=clerk)
    services.document_add(
        case=case,
        actor=clerk,
        type="court_order",
        issuer="state_judge",
        content=PDF,
        filename="order.pdf",
    )
    services.case_submit(case=case, actor=clerk)
    services.case_share(case=case, actor=counsel, office=other_office, reason="Task force")
    services.case_share_revoke(share=case.shares.get(), actor=counsel, reason="Ended")
    letter_issue(case=case, kind="acknowledgment", language="en", actor=clerk)
    return case


def url_for(name, case):
    """The URL of `name` for this case, with whichever object ids its pattern takes."""
    shapes = [
        {},
        {"document_id": case.documents.get().pk},
        {"share_id": case.shares.get().pk},
        {"letter_id": case.letters.get().pk},
    ]
    for extra in shapes:
        try:
            return reverse(name, kwargs={"number": case.number, **extra})
        except NoReverseMatch:
            continue
    raise AssertionError(f"No test arguments fit {name}; add them to url_for.")


def snapshot(case):
    case.refresh_from_db()
    return (case.status, case.decisions.count(), case.documents.count(), case.history.count())


def test_the_matrix_covers_the_case_urls():
    assert {"cases:detail", "cases:decide", "cases:document_download"} <= set(OBJECT_URLS)


@pytest.mark.parametrize("name", OBJECT_URLS)
@pytest.mark.parametrize("outsider", ["other_clerk", "other_counsel"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_office_gets_404(client, request, case, name, outsider, method):
    user = request.getfixturevalue(outsider)
    client.force_login(user)
    before = snapshot(case)
    response = getattr(client, method)(url_for(name, case))
    rule = rule_for(name)
    expected = 404 if user.has_role(*rule) else 403
    assert response.status_code == expected, (name, method, response.status_code)
    assert snapshot(case) == before


@pytest.mark.parametrize("name", OBJECT_URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_wrong_role_gets_403(client, case, administrator, name, method):
    client.force_login(administrator)
    before = snapshot(case)
    response = getattr(client, method)(url_for(name, case))
    assert response.status_code == 403, (name, method)
    assert snapshot(case) == before


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_auditors_change_nothing(client, case, auditor, name):
    client.force_login(auditor)
    before = snapshot(case)
    response = client.post(
        url_for(name, case), {"decision": "deny", "reason": "other", "rationale": "x"}
    )
    if name in ACCESS and ACCESS[name] != "public" and "Auditor" not in ACCESS[name]:
        assert response.status_code == 403, name
    assert snapshot(case)[:3] == before[:3]


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_anonymous_users_are_sent_to_sign_in(client, case, name):
    response = client.get(url_for(name, case))
    # The portal's pages of a request send to the portal's own sign-in page.
    sign_in = "/portal/sign-in/" if rule_for(name) in PORTAL_RULES else "/accounts/sign-in/"
    assert response.status_code == 302 and sign_in in response["Location"], name
