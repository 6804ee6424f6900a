"""The case page's body is a Jinja2 template (jinja2/cases/_detail.html): Jinja2 calls no
method by itself and prints nothing for a name it does not find, where Django's engine did
both silently. Drawn here with an undefined that fails when printed (a missing name may still
be tested, `{% if error_forms %}`, as Django's engine allows), every value the template prints
must exist for each kind of viewer and state, a refused form included; and no method is
printed as "<bound method …>"."""

import re
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.testing import AgencyFactory, OfficeFactory, UserFactory, make_case
from jinja2 import Undefined

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


class PrintedUndefined(Undefined):
    """Falsy and empty to loop over, as Jinja2's default; an error when printed."""

    def __str__(self) -> str:
        self._fail_with_undefined_error()
        return ""


def _strict_templates() -> list[dict[str, Any]]:
    templates: list[dict[str, Any]] = deepcopy(settings.TEMPLATES)
    for engine in templates:
        if engine.get("NAME") == "jinja2":
            engine["OPTIONS"] = {**engine["OPTIONS"], "undefined": PrintedUndefined}
    return templates


@pytest.fixture(autouse=True)
def strict():
    with override_settings(TEMPLATES=_strict_templates()):
        yield


def _page(client, user, case, status=200, **post):
    client.force_login(user)
    if post:
        response = client.post(reverse("cases:decide", args=[case.number]), post)
    else:
        response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == status
    html = response.content.decode()
    assert "bound method" not in html and "Undefined" not in html
    assert not re.search(r"\{\{|\{%", html), "template syntax left in the page"
    return html


@pytest.fixture
def story(office, clerk, counsel):
    """A case with something in every part of the page: a callback, a described and a
    verified document, a question and its answer, a share, a decision, a release."""
    agency = AgencyFactory(kind="local_law_enforcement", ori="NY0010000")
    case = make_case(office=office, actor=clerk, agency=agency, channel="phone")
    services.callback_record(
        case=case,
        actor=clerk,
        answered_by="Sgt. Roe",
        called_at=timezone.now(),
        confirmed=True,
        number_called="518-555-0100",
    )
    document = services.document_add(
        case=case, actor=clerk, type="court_order", issuer="state_judge", content=PDF
    )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    services.document_verify(
        document=document,
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
        notes="Checked.",
    )
    case.refresh_from_db()
    services.info_request(case=case, actor=counsel, question="Which plate?")
    case.refresh_from_db()
    services.info_answer(case=case, actor=clerk, answer="NY ABC-1234.")
    case.refresh_from_db()
    return case


def test_every_viewer_of_a_case_in_review_gets_a_whole_page(client, story, clerk, counsel, auditor):
    other = OfficeFactory()
    reader = UserFactory(office=other, role="Clerk")
    services.case_share(case=story, actor=counsel, user=reader, reason="Joint work.")
    for user in (clerk, counsel, auditor, reader):
        html = _page(client, user, story)
        assert story.number in html and "Sgt. Roe" in html
    assert "Joint work." in _page(client, reader, story)


def test_a_refused_decision_comes_back_whole(client, story, counsel):
    html = _page(client, counsel, story, status=400, **{"decide-decision": "deny"})
    assert "Write the rationale for the denial." in html


def test_a_decided_and_released_case_and_one_in_intake(client, story, office, clerk, counsel):
    services.case_decide(
        case=story, actor=counsel, outcome=DecisionOutcome.APPROVED, categories=story.categories
    )
    story.refresh_from_db()
    html = _page(client, clerk, story)
    assert "Counsel's decision" in html and "Record the release" in html
    fresh = make_case(office=office, actor=clerk, channel="email")
    assert "Submit for legal review" in _page(client, clerk, fresh)


def test_its_times_carry_the_state_s_zone(client, office, clerk):
    """Every time of day on the page: 24-hour, in the state's zone with its abbreviation."""
    summer = datetime(2026, 7, 1, 18, 5, tzinfo=UTC)  # 14:05 in New York, daylight time
    winter = datetime(2026, 12, 3, 17, 21, tzinfo=UTC)  # 12:21 in New York, standard time
    case = make_case(office=office, actor=clerk, channel="phone", received_at=summer)
    services.callback_record(
        case=case,
        actor=clerk,
        answered_by="Sgt. Roe",
        called_at=winter,
        confirmed=True,
        number_called="518-555-0100",
    )
    html = _page(client, clerk, case)
    assert (
        'received <time datetime="2026-07-01T14:05:00-04:00">Jul 1, 2026 14:05 EDT</time>' in html
    )
    assert "Dec 3, 2026 12:21 EST: " in html  # the callback
