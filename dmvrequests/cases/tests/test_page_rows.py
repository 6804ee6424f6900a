"""The case page's lists read in one UNION ALL (cases/page_rows.py) are the lists the ORM
gives, in the same order, and the share, submit and assign forms show the same choices
without a query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.forms import AssignForm, ShareForm, SubmitForm
from dmvrequests.cases.models import DecisionOutcome
from dmvrequests.cases.page_rows import page_rows
from dmvrequests.cases.selectors import office_counsel
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.testing import OfficeFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(office, clerk, counsel):
    case = make_case(
        office=office, actor=clerk, channel="phone", received_at=timezone.now() - timedelta(days=1)
    )
    for n in range(2):
        services.callback_record(
            case=case,
            actor=clerk,
            answered_by=f"Sgt. Roe {n}",
            called_at=timezone.now() - timedelta(minutes=n + 1),
            confirmed=True,
            number_called="518-555-0100",
        )
    for verdict in ("verified", "rejected"):
        document = services.document_add(
            case=case, actor=clerk, type="court_order", issuer="state_judge"
        )
        services.document_verify(
            document=document,
            actor=counsel,
            result=verdict,
            checks=dict.fromkeys(REQUIRED_CHECKS, verdict == "verified"),
            notes="Checked.",
        )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    case.refresh_from_db()
    services.info_request(case=case, actor=counsel, question="Which plate?")
    case.refresh_from_db()
    services.info_answer(case=case, actor=clerk, answer="NY ABC-1234.")
    case.refresh_from_db()
    services.case_share(case=case, actor=counsel, office=OfficeFactory(), reason="Joint work.")
    services.case_decide(
        case=case,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address"],
        rationale="Only the address is needed.",
    )
    case.refresh_from_db()
    return case


def _fields(rows):
    return [{f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields} for row in rows]


def test_every_list_is_the_orms_in_the_orms_order(decided):
    rows = page_rows(decided)
    assert _fields(rows.decisions) == _fields(decided.decisions.all())
    assert _fields(rows.documents) == _fields(decided.documents.all())
    assert _fields(rows.callbacks) == _fields(decided.callbacks.all())
    assert _fields(rows.info_requests) == _fields(decided.info_requests.all())
    assert _fields(rows.releases) == _fields(decided.releases.all())
    assert _fields(rows.shares) == _fields(decided.shares.filter(revoked_at=None))
    assert _fields(rows.certifications) == _fields(decided.agency.certifications.all())
    assert len(rows.callbacks) == 2 and len(rows.documents) == 2 and rows.shares


def test_the_people_and_the_latest_check_come_without_a_query(decided, counsel):
    rows = page_rows(decided)
    with CaptureQueriesContext(connection) as captured:
        words = [str(d.decided_by) for d in rows.decisions]
        checks = [d.check_result for d in rows.documents]  # type: ignore[attr-defined]  # page_rows sets it
        asked = [(str(q.asked_by), str(q.answered_by)) for q in rows.info_requests]
        shared = [(str(s.office), str(s.granted_by), s.case.number) for s in rows.shares]
    assert captured.captured_queries == []
    assert words == [str(counsel)]
    assert checks == ["verified", "rejected"]
    assert asked == [(str(counsel), str(decided.created_by))]
    assert shared[0][1:] == (str(counsel), decided.number)


def test_the_share_form_shows_the_same_choices_without_a_query(decided, counsel):
    UserFactory(office=OfficeFactory(), role="Counsel", first_name="Ana", last_name="Diaz")
    UserFactory(office=OfficeFactory(), role="Clerk", is_active=False)
    UserFactory(office=OfficeFactory(), role="Auditor")
    from_database = ShareForm(case=decided)
    expected = (str(from_database["office"]), str(from_database["user"]))
    rows = page_rows(decided, share=True)
    listed = ShareForm(case=decided, offered=(rows.share_offices, rows.share_people))
    with CaptureQueriesContext(connection) as captured:
        shown = (str(listed["office"]), str(listed["user"]))
    assert captured.captured_queries == []
    assert shown == expected
    assert "Ana Diaz: Counsel," in shown[1]


def test_a_case_page_without_the_share_form_does_not_read_whom_to_share_with(decided):
    rows = page_rows(decided)
    assert rows.share_offices == [] and rows.share_people == []


def test_the_submit_and_assign_forms_offer_the_offices_counsel_without_a_query(
    decided, office, counsel, other_counsel
):
    UserFactory(office=office, role="Counsel", first_name="Ana", last_name="Abel")
    UserFactory(office=office, role="Counsel", is_active=False, first_name="Gone")
    UserFactory(office=office, role="Clerk", first_name="Not", last_name="Counsel")
    rows = page_rows(decided, counsel=True)
    assert rows.counsel is not None
    assert [u.pk for u in rows.counsel] == [u.pk for u in office_counsel(office)]
    for make, name in (
        (lambda **kw: SubmitForm(office=office.pk, **kw), "assigned_counsel"),
        (lambda **kw: AssignForm(case=decided, **kw), "counsel"),
    ):
        expected = str(make()[name])
        listed = make(offered=rows.counsel)
        with CaptureQueriesContext(connection) as captured:
            shown = str(listed[name])
        assert captured.captured_queries == []
        assert shown == expected
        assert "Ana Abel" in shown and str(counsel) in shown
        assert "Gone" not in shown and "Not Counsel" not in shown
        assert str(other_counsel) not in shown


def test_a_counsel_read_with_the_page_is_still_checked_when_sent(decided, office, other_counsel):
    rows = page_rows(decided, counsel=True)
    sent = {"submit-assigned_counsel": str(other_counsel.pk)}
    form = SubmitForm(sent, office=office, offered=rows.counsel)
    assert not form.is_valid()
    assert "assigned_counsel" in form.errors


def test_a_page_without_those_forms_does_not_read_the_offices_counsel(decided):
    assert page_rows(decided).counsel is None
