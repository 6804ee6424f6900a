"""Issue 13, item 6: history tables and decisions refuse UPDATE and DELETE at the database.

The PostgreSQL tests connect as the application's own database user (the test
database's owner) and try what an insider with the application's credentials
would: rewrite who decided, rewrite a case's history, delete either. Redaction
and retention keep rewriting history (their own tests run on PostgreSQL in CI);
and `verify_audit` does not say intact after a tampering it can see.
"""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from dmvrequests.audit.protection import (
    history_rewrite,
    history_tables,
    protected_tables,
    protection_problems,
)
from dmvrequests.cases.models import Decision, DisclosureRequest
from dmvrequests.oversight.verification import chain_verify
from dmvrequests.tests.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.INTAKE_OFFICE = ""
    return build_world()


def switch_trigger(table, trigger, state):
    """What only the table's owner can do: switch a trigger off or on (after the test
    transaction's deferred constraint checks, which ALTER TABLE must not leave pending)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {trigger}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def refused(sql, params=()):
    """True when the database refuses the statement (inside a savepoint)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        assert "refused" in str(error)
        return True
    return False


def test_every_history_table_is_protected():
    tables = history_tables()
    assert "cases_historicaldisclosurerequest" in tables
    assert "cases_historicaldecision" in tables
    assert "accounts_historicaluser" in tables
    assert set(tables) < set(protected_tables())
    assert "cases_decision" in protected_tables()


@pytest.mark.postgres
def test_every_protected_table_has_its_trigger_enabled():
    assert protection_problems() == []


@pytest.mark.postgres
def test_the_application_user_cannot_rewrite_or_delete_history(world):
    case = world.cases["approved"]
    assert refused(
        "UPDATE cases_historicaldisclosurerequest SET subject_name = %s WHERE id = %s",
        ["Someone Else", case.pk],
    )
    assert refused("DELETE FROM cases_historicaldisclosurerequest WHERE id = %s", [case.pk])
    assert refused("UPDATE cases_historicaldecision SET rationale = rationale || 'x'")
    assert refused("DELETE FROM cases_historicaldecision")
    assert refused("UPDATE accounts_historicaluser SET username = username || 'x'")
    assert refused("DELETE FROM accounts_historicaluser")
    assert case.history.filter(subject_name="Someone Else").count() == 0


@pytest.mark.postgres
def test_the_application_user_cannot_rewrite_or_delete_a_decision(world):
    decision = Decision.objects.filter(case=world.cases["approved"]).get()
    other = world.users["Counsel B"]
    assert refused(
        "UPDATE cases_decision SET decided_by_id = %s WHERE id = %s", [other.pk, decision.pk]
    )
    assert refused("UPDATE cases_decision SET outcome = 'denied' WHERE id = %s", [decision.pk])
    assert refused("UPDATE cases_decision SET rationale = 'x' WHERE id = %s", [decision.pk])
    assert refused("DELETE FROM cases_decision WHERE id = %s", [decision.pk])
    decision.refresh_from_db()
    assert decision.decided_by_id == world.users["Counsel"].pk


@pytest.mark.postgres
def test_a_second_approval_still_completes_a_decision(world):
    from dmvrequests.cases import services

    pending = world.cases["pending"]
    decision = Decision.objects.filter(case=pending).get()
    services.decision_confirm(decision=decision, actor=world.users["Counsel B"])
    decision.refresh_from_db()
    assert decision.second_approved_by == world.users["Counsel B"]
    # ...but once made, it is not replaced.
    assert refused(
        "UPDATE cases_decision SET second_approved_by_id = %s WHERE id = %s",
        [world.users["Counsel"].pk, decision.pk],
    )


@pytest.mark.postgres
def test_redaction_and_retention_may_rewrite_history_in_their_transaction(world):
    case = world.cases["approved"]
    with transaction.atomic():
        with history_rewrite():
            case.history.all().update(subject_name="[removed]")
        # Outside the block, in the same transaction, the trigger refuses again.
        assert refused("UPDATE cases_historicaldisclosurerequest SET subject_name = 'x'")
    assert set(case.history.values_list("subject_name", flat=True)) == {"[removed]"}


@pytest.mark.postgres
def test_verify_audit_reports_a_disabled_trigger(world, capsys):
    switch_trigger("cases_decision", "decision_append_only", "DISABLE")
    report = chain_verify()
    assert not report.intact
    assert report.unprotected == ("cases_decision",)
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit")
    assert exit_.value.code == 1
    assert "cases_decision" in capsys.readouterr().err
    switch_trigger("cases_decision", "decision_append_only", "ENABLE")
    assert chain_verify().intact


def test_verify_audit_sees_a_decision_changed_in_the_database(world, capsys):
    """Who decided, rewritten behind the application's back (on PostgreSQL, with the
    trigger switched off first, as only the table's owner can): verify_audit says so."""
    decision = Decision.objects.filter(case=world.cases["approved"]).get()
    assert chain_verify().intact
    with transaction.atomic():
        if connection.vendor == "postgresql":
            switch_trigger("cases_decision", "decision_append_only", "DISABLE")
        Decision.objects.filter(pk=decision.pk).update(decided_by=world.users["Counsel B"])
        if connection.vendor == "postgresql":
            switch_trigger("cases_decision", "decision_append_only", "ENABLE")
    report = chain_verify()
    assert not report.intact
    assert report.altered_decisions == (decision.pk,)
    with pytest.raises(SystemExit):
        call_command("verify_audit")
    assert f"decisions #{decision.pk} no longer match" in capsys.readouterr().err
    assert DisclosureRequest.objects.exists()
