"""The audit log's readers are answered by its indexes (migration audit 0013).

The access log searched by user name matches the name in any case
(`UPPER(username) = UPPER(...)`): without an index on that expression it walked the whole
log newest first for a name with few records, and counted every row (2.3 s and 0.5 s over
2.8 million records).
"""

import pytest
from django.db import connection

from dmvrequests.audit.models import AuditRecord
from dmvrequests.audit.services import audit_record
from dmvrequests.oversight.selectors import audit_records_search, user_activity

pytestmark = pytest.mark.django_db


def explained(queryset):
    """The plan of `queryset` with sequential scans and plain index scans off: an index that
    can answer the query's conditions then shows as a bitmap scan, whatever the table's size
    (a test's few rows would otherwise be read whole, as they should)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        return queryset.explain()


@pytest.fixture
def records(clerk, counsel):
    audit_record(kind="auth", action="sign_in", user=clerk)
    audit_record(kind="auth", action="sign_in", user=counsel)
    # A failed sign-in names an account but has no user.
    audit_record(kind="auth", action="sign_in_failed", username=clerk.username.upper())


def test_the_access_log_finds_a_user_name_in_any_case(records, clerk):
    found = audit_records_search({"username": clerk.username.upper()})
    assert {r.username.lower() for r in found} == {clerk.username.lower()}
    assert found.count() == 2


@pytest.mark.postgres
def test_the_access_log_by_user_name_reads_the_name_index(records, clerk):
    plan = explained(audit_records_search({"username": clerk.username}))
    assert "audit_username_upper_idx" in plan, plan


@pytest.mark.postgres
def test_a_user_s_activity_is_read_from_indexes(records, clerk):
    # The user's own records and the records without a user (failed sign-ins naming the
    # account, few) by audit_user_idx; the name in any case then among those.
    plan = explained(user_activity(clerk, None, None))
    assert "Seq Scan" not in plan and "audit_user_idx" in plan, plan
    assert {r.action for r in user_activity(clerk, None, None)} == {"sign_in", "sign_in_failed"}


@pytest.mark.postgres
def test_a_case_s_records_in_a_period_read_the_case_index(records, clerk):
    plan = explained(audit_records_search({"case_number": "DR-2026-000001"}))
    assert "audit_case_seq_idx" in plan, plan


def test_the_log_keeps_no_index_that_another_already_serves():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, AuditRecord._meta.db_table)
    indexed = [found["columns"] for found in constraints.values() if found["index"]]
    for duplicate in (["user_id"], ["case_number", "occurred_at"], ["username", "occurred_at"]):
        assert duplicate not in indexed
    assert ["user_id", "occurred_at"] in indexed and ["case_number", "seq"] in indexed
