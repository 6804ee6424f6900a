"""A read that cannot be recorded does not happen: the data is never shown."""

import pytest
from django.db import OperationalError
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from dmvrequests.audit import chainwrite
from dmvrequests.audit.middleware import AuditUnavailableMiddleware
from dmvrequests.audit.models import Action, AuditRecord, Kind, Outcome
from dmvrequests.audit.services import (
    AuditUnavailable,
    access_log,
    access_log_cases,
    audit_record,
)
from dmvrequests.cases import services
from dmvrequests.cases.selectors import case_get_for_read
from dmvrequests.oversight.verification import chain_verify
from dmvrequests.testing import PASSWORD, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def break_log(monkeypatch):
    """Call it to make the audit table unwritable (disk full, lost connection...)."""

    def fail(fields):
        raise OperationalError("database or disk is full")

    return lambda: monkeypatch.setattr("dmvrequests.audit.services._append", fail)


@pytest.fixture
def broken_log(break_log):
    break_log()


def get_request(user, path="/"):
    request = RequestFactory().get(path, REMOTE_ADDR="192.0.2.10")
    request.user = user
    return request


class TestAccessLog:
    def test_it_records_the_read_of_a_case(self, case, clerk):
        record = access_log(request=get_request(clerk), action=Action.VIEW_CASE, case=case)
        assert (record.kind, record.action, record.outcome) == ("access", "view_case", "success")
        assert record.case_number == case.number
        assert (record.object_type, record.object_id) == ("cases.disclosurerequest", str(case.pk))

    def test_it_names_the_document_read(self, case, clerk):
        document = services.document_add(case=case, actor=clerk, type="court_order")
        record = access_log(
            request=get_request(clerk), action=Action.DOWNLOAD_DOCUMENT, case=case, obj=document
        )
        assert (record.object_type, record.object_id) == ("cases.legaldocument", str(document.pk))
        assert record.case_number == case.number

    def test_it_records_each_case_of_a_search_page(self, case, office, clerk):
        other = make_case(office=office, actor=clerk)
        records = access_log_cases(
            request=get_request(clerk), action=Action.SEARCH, cases=[case, other]
        )
        assert [(r["seq"], r["case_number"]) for r in records] == [
            (1, case.number),
            (2, other.number),
        ]
        assert {r["username"] for r in records} == {"clerk"}
        assert chain_verify().intact

    def test_it_records_nothing_for_an_empty_page(self, clerk):
        assert access_log_cases(request=get_request(clerk), action=Action.SEARCH, cases=[]) == []
        assert not AuditRecord.objects.exists()

    def test_it_raises_audit_unavailable_when_the_record_cannot_be_written(
        self, case, clerk, broken_log
    ):
        with pytest.raises(AuditUnavailable):
            access_log(request=get_request(clerk), action=Action.VIEW_CASE, case=case)


class TestCaseGetForRead:
    def test_it_returns_the_case_and_records_the_read(self, case, clerk):
        found = case_get_for_read(request=get_request(clerk), number=case.number)
        assert found == case
        assert AuditRecord.objects.get().outcome == Outcome.SUCCESS

    def test_it_records_a_refused_look_as_denied(self, case, other_clerk):
        with pytest.raises(Http404):
            case_get_for_read(request=get_request(other_clerk), number=case.number)
        record = AuditRecord.objects.get()
        assert (record.outcome, record.username, record.case_number) == (
            "denied",
            "clerk2",
            case.number,
        )

    def test_it_refuses_the_case_when_the_log_is_down(self, case, clerk, broken_log):
        with pytest.raises(AuditUnavailable):
            case_get_for_read(request=get_request(clerk), number=case.number)


class TestUnavailablePage:
    def test_a_read_is_refused_with_a_503_and_no_data(
        self, client, case, clerk, break_log, audit_middleware
    ):
        client.force_login(clerk)
        break_log()
        response = client.get(reverse("audit:case_timeline", args=[case.number]))
        body = response.content.decode()
        assert response.status_code == 503
        assert "The audit log cannot be written right now, so the record was not shown." in body
        assert "Try again in a minute; tell your administrator if it persists." in body
        assert case.subject_name not in body
        assert "subject stopped twice" not in body
        assert response["Retry-After"] == "60"

    def test_a_change_is_refused_with_a_503_and_nothing_changed(
        self, client, case, counsel, break_log, audit_middleware
    ):
        client.force_login(counsel)
        break_log()
        response = client.post(
            reverse("audit:redact", args=[case.number]),
            {"field": "narrative", "text": "stopped twice", "reason": "Entered by mistake"},
        )
        assert response.status_code == 503
        assert "so nothing was changed" in response.content.decode()
        case.refresh_from_db()
        assert "stopped twice" in case.narrative

    def test_a_sign_in_that_cannot_be_recorded_is_refused(
        self, client, clerk, broken_log, audit_middleware
    ):
        response = client.post(
            reverse("accounts:login"), {"username": "clerk", "password": PASSWORD}
        )
        assert response.status_code == 503
        assert "so you were not signed in" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("cases:queue")).status_code == 302

    def test_other_errors_are_left_alone(self, rf, audit_middleware):
        middleware = AuditUnavailableMiddleware(lambda request: HttpResponse())
        assert middleware.process_exception(rf.get("/"), ValueError("x")) is None


def test_a_failed_write_leaves_the_chain_intact(monkeypatch):
    audit_record(kind=Kind.ACCESS, action=Action.SEARCH)

    def fail_once(*args, **kwargs):
        monkeypatch.undo()
        raise OperationalError("lost connection")

    # The insert fails after the head row was locked and read.
    monkeypatch.setattr(chainwrite, "insert_rows", fail_once)
    with pytest.raises(AuditUnavailable):
        audit_record(kind=Kind.ACCESS, action=Action.SEARCH)
    audit_record(kind=Kind.ACCESS, action=Action.SEARCH)
    report = chain_verify()
    assert report.intact
    assert report.count == 2
