"""Appending, linking, the append-only rules and verify_audit, including tampering."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory

from dmvrequests.audit.chain import GENESIS_HASH, HASHED_FIELDS, record_hash
from dmvrequests.audit.models import Action, AppendOnlyError, AuditRecord, Kind
from dmvrequests.audit.services import audit_record
from dmvrequests.audit.tests.conftest import tamper
from dmvrequests.oversight.verification import chain_verify

pytestmark = pytest.mark.django_db


def append(count, **fields):
    fields = {"kind": Kind.ACCESS, "action": Action.VIEW_CASE, **fields}
    return [audit_record(case_number=f"DR-2026-{n:06d}", **fields) for n in range(1, count + 1)]


def verify(*args):
    """Run verify_audit; returns (exit code, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


class TestAppend:
    def test_it_numbers_and_links_records(self):
        first, second, third = append(3)
        assert [first.seq, second.seq, third.seq] == [1, 2, 3]
        assert first.prev_hash == GENESIS_HASH
        assert second.prev_hash == first.hash
        assert third.prev_hash == second.hash

    def test_the_stored_record_hashes_to_its_hash(self):
        append(2, detail={"page": 2, "filters": {"b": "x", "a": "y"}})
        for record in AuditRecord.objects.all():
            values = {name: getattr(record, name) for name in HASHED_FIELDS}
            assert record_hash(values) == record.hash

    def test_it_takes_user_office_and_address_from_the_request(self, clerk):
        request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
        request.user = clerk
        record = audit_record(kind=Kind.ACCESS, action=Action.SEARCH, request=request)
        assert (record.user, record.username, record.office) == (clerk, "clerk", "albany")
        assert record.ip_address == "192.0.2.7"

    def test_it_trusts_only_the_proxies_it_is_told_about(self, settings, clerk):
        settings.AUDIT_TRUSTED_PROXY_COUNT = 1
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
        )
        request.user = clerk
        record = audit_record(kind=Kind.ACCESS, action=Action.SEARCH, request=request)
        assert record.ip_address == "203.0.113.9"

    def test_it_refuses_a_word_outside_the_vocabulary(self):
        with pytest.raises(ValueError, match="Unknown audit action"):
            audit_record(kind=Kind.ACCESS, action="peeked")
        assert not AuditRecord.objects.exists()


class TestAppendOnly:
    def test_the_model_refuses_changes_and_deletion(self):
        (record,) = append(1)
        record.username = "someone else"
        with pytest.raises(AppendOnlyError):
            record.save()
        with pytest.raises(AppendOnlyError):
            record.delete()
        with pytest.raises(AppendOnlyError):
            AuditRecord.objects.filter(seq=1).update(username="x")
        with pytest.raises(AppendOnlyError):
            AuditRecord.objects.all().delete()
        assert AuditRecord.objects.get().username == ""

    @pytest.mark.postgres
    def test_the_database_refuses_update_and_delete(self):
        append(2)
        for sql in (
            "UPDATE audit_auditrecord SET username = 'x' WHERE seq = 1",
            "DELETE FROM audit_auditrecord WHERE seq = 2",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        assert AuditRecord.objects.count() == 2
        assert chain_verify().intact


class TestVerifyAudit:
    def test_it_passes_an_intact_chain(self):
        records = append(5)
        code, out, err = verify()
        assert code == 0
        assert f"Audit chain intact: 5 records, last hash {records[-1].hash}" in out
        assert err == ""

    def test_it_passes_an_empty_chain(self):
        code, out, _ = verify()
        assert code == 0
        assert "Audit chain intact: 0 records" in out

    def test_it_names_a_record_edited_in_the_database(self):
        append(4)
        tamper("UPDATE audit_auditrecord SET username = 'nobody' WHERE seq = 3")
        code, out, err = verify()
        assert code == 1
        assert "Audit chain broken at record #3 (" in err
        assert "its hash does not match its contents" in err
        assert "Traceback" not in out + err

    def test_it_names_the_next_record_when_the_hash_was_recomputed(self):
        records = append(4)
        forged = {name: getattr(records[1], name) for name in HASHED_FIELDS}
        forged["username"] = "nobody"
        tamper(
            "UPDATE audit_auditrecord SET username = 'nobody', hash = %s WHERE seq = 2",
            [record_hash(forged)],
        )
        code, _, err = verify()
        assert code == 1
        assert "Audit chain broken at record #3" in err
        assert "does not link to record #2" in err

    def test_it_detects_a_deleted_record(self):
        append(4)
        tamper("DELETE FROM audit_auditrecord WHERE seq = 2")
        code, _, err = verify()
        assert code == 1
        assert "Audit chain broken at record #3" in err
        assert "from #2 to #2, are missing" in err

    def test_it_detects_records_cut_off_the_end(self):
        append(4)
        tamper("DELETE FROM audit_auditrecord WHERE seq >= 3")
        code, _, err = verify()
        assert code == 1
        assert "Audit chain broken at record #2" in err
        assert "records up to #4, which are missing" in err

    def test_it_reports_an_unreadable_log_without_a_traceback(self, monkeypatch):
        def fail(**kwargs):
            raise DatabaseError("no such table: audit_auditrecord")

        monkeypatch.setattr(
            "dmvrequests.oversight.management.commands.verify_audit.chain_verify", fail
        )
        code, _, err = verify()
        assert code == 2
        assert err.startswith("Could not read the audit log")

    def test_it_gives_the_same_answer_in_small_chunks(self):
        append(7)
        tamper("UPDATE audit_auditrecord SET case_number = 'DR-2026-999999' WHERE seq = 6")
        code, _, err = verify("--chunk-size", "2")
        assert code == 1
        assert "Audit chain broken at record #6" in err


@pytest.mark.postgres
# serialized_rollback: restore the data migrations (roles, profiles) that a flush removes,
# as the other transactional tests of the project expect.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_form_one_linear_chain():
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(8)
    errors = []

    def worker():
        try:
            barrier.wait()
            for _ in range(5):
                audit_record(kind=Kind.ACCESS, action=Action.SEARCH)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    report = chain_verify()
    assert report.intact
    assert report.count == 40
