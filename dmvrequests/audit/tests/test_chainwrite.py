"""The chain's own SQL (audit/chainwrite.py) stores what Django's ORM would have stored."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dmvrequests.audit import chainwrite
from dmvrequests.audit.models import Action, AuditRecord, Kind
from dmvrequests.audit.services import access_log_many, audit_record
from dmvrequests.oversight.verification import chain_verify

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in AuditRecord._meta.concrete_fields]


def test_each_record_reads_back_as_it_was_returned(clerk):
    detail = {"note": 'O\'Brien "quoted" — ünïcode', "nested": {"n": [1, 2.5, None, True]}}
    records = access_log_many(
        request=None,
        user=clerk,
        action=Action.EXPORT,
        targets=[(f"DR-2026-{n:06d}", "cases.disclosurerequest", n) for n in range(1, 4)],
        detail=detail,
    )
    assert [r["object_id"] for r in records] == ["1", "2", "3"]
    for record in records:
        stored = AuditRecord.objects.get(pk=record["seq"])
        assert [getattr(stored, name) for name in FIELDS] == [record[name] for name in FIELDS]
        assert stored.detail == detail
    # One page's reads share their time; the chain's order keeps them apart.
    assert len({r["occurred_at"] for r in records}) == 1
    assert chain_verify().intact


def test_a_record_without_a_user_and_a_time_in_another_zone():
    record = audit_record(kind=Kind.AUTH, action=Action.SIGN_IN_FAILED, username="nobody")
    stored = AuditRecord.objects.get(pk=record.seq)
    assert stored.user_id is None and stored.username == "nobody"
    assert stored.occurred_at == record.occurred_at

    head = chainwrite.lock_head()
    assert head == (record.seq, record.hash)
    later: dict[str, Any] = {
        **dict.fromkeys(chainwrite.COLUMNS, ""),
        "seq": record.seq + 1,
        "occurred_at": datetime(2026, 7, 4, 12, 30, 15, 123456, tzinfo=ZoneInfo("America/Chicago")),
        "kind": Kind.AUTH,
        "action": Action.SIGN_IN_FAILED,
        "outcome": "success",
        "user_id": None,
        "detail": {},
        "prev_hash": record.hash,
        "hash": "f" * 64,
    }
    chainwrite.insert_rows([later])
    stored = chainwrite.stored_record(later)
    assert not stored._state.adding
    assert AuditRecord.objects.get(pk=record.seq + 1).occurred_at == later["occurred_at"]


def test_nothing_to_insert_writes_nothing():
    chainwrite.insert_rows([])
    assert not AuditRecord.objects.exists()
