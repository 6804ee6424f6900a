"""Sign-ins, sign-outs and failed sign-ins are recorded in the chain."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from dmvrequests.audit.models import AuditRecord, Kind
from dmvrequests.testing import PASSWORD

pytestmark = pytest.mark.django_db


def auth_records():
    return list(AuditRecord.objects.filter(kind=Kind.AUTH).order_by("seq"))


def test_it_records_a_sign_in(client, clerk):
    response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    (record,) = auth_records()
    assert (record.action, record.outcome, record.user) == ("sign_in", "success", clerk)
    assert (record.office, record.ip_address) == ("albany", "127.0.0.1")


def test_it_records_a_failed_sign_in_without_the_password(client, clerk):
    client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong guess 42"})
    (record,) = auth_records()
    assert (record.action, record.outcome) == ("sign_in_failed", "failure")
    assert record.user is None
    assert record.username == "clerk"
    assert record.ip_address == "127.0.0.1"
    assert "wrong guess" not in str(record.detail)


def test_it_records_a_failed_sign_in_for_an_unknown_account(client, db):
    client.post(reverse("accounts:login"), {"username": "mallory", "password": "x"})
    (record,) = auth_records()
    assert (record.action, record.username) == ("sign_in_failed", "mallory")


def test_it_records_a_sign_out(client, clerk):
    client.force_login(clerk)
    client.post(reverse("accounts:logout"))
    assert [r.action for r in auth_records()] == ["sign_in", "sign_out"]
    assert auth_records()[-1].user == clerk


def test_a_sign_out_happens_even_when_it_cannot_be_recorded(client, clerk, monkeypatch):
    client.force_login(clerk)

    def fail(fields):
        raise OperationalError("disk full")

    monkeypatch.setattr("dmvrequests.audit.services._append", fail)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session
