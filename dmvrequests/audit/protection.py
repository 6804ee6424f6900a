"""The database's own refusal to change history (PostgreSQL triggers).

Migration 0002 protects the audit table, 0005 every simple-history table and
the decisions. Redaction and retention are the only code that rewrites history
rows: they do it inside `history_rewrite()`, which the history trigger honours
for the rest of that transaction only. `protection_problems()` is how
`verify_audit` notices a trigger someone dropped or disabled.
"""

import contextlib

from django.apps import apps
from django.db import DatabaseError, connection

AUDIT_TRIGGER = "audit_record_append_only"
HISTORY_TRIGGER = "history_append_only"
DECISION_TRIGGER = "decision_append_only"
SETTING = "dmvrequests.history_rewrite"
LETTER_TRIGGER = "letter_append_only"
# Tables other apps make append-only with their own migration (an issued letter),
# registered from their AppConfig.ready() so that verify_audit checks them too.
_REGISTERED: dict[str, str] = {}


def protect_table(table, trigger=LETTER_TRIGGER):
    """Have `protection_problems()` report `table` if its append-only trigger is gone."""
    _REGISTERED[table] = trigger


def history_tables():
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and "_historical" in model._meta.db_table
    )


def protected_tables():
    """{table: trigger} for every table the database must refuse to change."""
    tables = dict.fromkeys(history_tables(), HISTORY_TRIGGER)
    tables["cases_decision"] = DECISION_TRIGGER
    tables["audit_auditrecord"] = AUDIT_TRIGGER
    tables.update(_REGISTERED)
    return tables


@contextlib.contextmanager
def history_rewrite():
    """Allow this transaction to UPDATE or DELETE history rows (redaction, retention)."""
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("History is rewritten only inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
    try:
        yield
    finally:
        # A failed statement has aborted the transaction: it ends, and the setting with it.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])


def ensure_history_triggers(**kwargs):
    """post_migrate: a history table added after migration 0005 gets its trigger too."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'history_refuse_change'")
        if cursor.fetchone() is None:
            return  # migrations not yet at 0005
        present = _triggers(cursor)
        for table in history_tables():
            if (table, HISTORY_TRIGGER) not in present and _exists(cursor, table):
                cursor.execute(
                    f"CREATE TRIGGER {HISTORY_TRIGGER} BEFORE UPDATE OR DELETE ON "
                    f"{connection.ops.quote_name(table)} "
                    "FOR EACH ROW EXECUTE FUNCTION history_refuse_change()"
                )


def _exists(cursor, table):
    cursor.execute("SELECT to_regclass(%s)", [table])
    return cursor.fetchone()[0] is not None


def _triggers(cursor, enabled_only=False):
    cursor.execute(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
    )
    return {
        (table, name)
        for table, name, enabled in cursor.fetchall()
        if not enabled_only or enabled != "D"
    }


def protection_problems():
    """Tables whose append-only trigger is missing or disabled (PostgreSQL); [] elsewhere."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        present = _triggers(cursor, enabled_only=True)
    return [
        table
        for table, trigger in sorted(protected_tables().items())
        if (table, trigger) not in present
    ]
