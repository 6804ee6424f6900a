"""On PostgreSQL, refuse UPDATE and DELETE on every history table and on decisions.

Like the audit table's triggers (0002), these stop a database session that
bypasses the application, as the application's own user:

- every simple-history table (`*_historical*`): refused, except inside a
  transaction that set `dmvrequests.history_rewrite = 'on'` (SET LOCAL), which
  only the redaction and retention code does (dmvrequests/audit/erasure.py);
  each such rewrite is itself an audit record (an UPDATE that changes no
  value is let through: it rewrites nothing);
- `cases_decision` (who decided what, when): never deleted; an UPDATE may only
  complete a decision (the second counsel's approval, a pending approval that
  lapses, the follow-up legal process received, or move an emergency follow-up's
  due time before the follow-up arrived), never change who decided, the outcome,
  the reason or the rationale.

`verify_audit` reports a table whose trigger is missing or disabled. SQLite has
no such triggers.
"""

from django.db import migrations

HISTORY_FUNCTION = """
CREATE OR REPLACE FUNCTION history_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- An UPDATE that changes nothing (Django re-saving identical rows) changes no history.
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    IF coalesce(current_setting('dmvrequests.history_rewrite', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'History is append-only: % on % is refused.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'History rows are only rewritten by redaction and retention; see docs/audit.md.';
END;
$$;
"""

DECISION_FUNCTION = """
CREATE OR REPLACE FUNCTION decision_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Decisions are never deleted: DELETE on % is refused.', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id
       OR NEW.case_id IS DISTINCT FROM OLD.case_id
       OR NEW.outcome IS DISTINCT FROM OLD.outcome
       OR NEW.categories_approved IS DISTINCT FROM OLD.categories_approved
       OR NEW.reason IS DISTINCT FROM OLD.reason
       OR NEW.rationale IS DISTINCT FROM OLD.rationale
       OR NEW.evaluation IS DISTINCT FROM OLD.evaluation
       OR NEW.profile_slug IS DISTINCT FROM OLD.profile_slug
       OR NEW.profile_version IS DISTINCT FROM OLD.profile_version
       OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id
       OR NEW.decided_at IS DISTINCT FROM OLD.decided_at
       OR NEW.emergency IS DISTINCT FROM OLD.emergency
       OR (OLD.followup_received_at IS NOT NULL
           AND NEW.followup_due IS DISTINCT FROM OLD.followup_due)
       OR (OLD.second_approved_by_id IS NOT NULL
           AND NEW.second_approved_by_id IS DISTINCT FROM OLD.second_approved_by_id)
       OR (OLD.second_approved_at IS NOT NULL
           AND NEW.second_approved_at IS DISTINCT FROM OLD.second_approved_at)
       OR (OLD.followup_received_at IS NOT NULL
           AND NEW.followup_received_at IS DISTINCT FROM OLD.followup_received_at)
       OR (NEW.second_approval_required AND NOT OLD.second_approval_required)
    THEN
        RAISE EXCEPTION 'A decision is never rewritten: UPDATE on % is refused.', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'Only a second approval or a follow-up may complete a decision.';
    END IF;
    RETURN NEW;
END;
$$;
"""

HISTORY_TRIGGER = "history_append_only"
DECISION_TRIGGER = "decision_append_only"


def history_tables(apps):
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and "_historical" in model._meta.db_table
    )


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    schema_editor.execute(HISTORY_FUNCTION, params=None)
    schema_editor.execute(DECISION_FUNCTION, params=None)
    for table in history_tables(apps):
        schema_editor.execute(
            f"CREATE TRIGGER {HISTORY_TRIGGER} BEFORE UPDATE OR DELETE ON {quote(table)} "
            "FOR EACH ROW EXECUTE FUNCTION history_refuse_change();",
            params=None,
        )
    schema_editor.execute(
        f"CREATE TRIGGER {DECISION_TRIGGER} BEFORE UPDATE OR DELETE ON cases_decision "
        "FOR EACH ROW EXECUTE FUNCTION decision_refuse_change();",
        params=None,
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table in history_tables(apps):
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {HISTORY_TRIGGER} ON {quote(table)};", params=None
        )
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS {DECISION_TRIGGER} ON cases_decision;", params=None
    )
    schema_editor.execute("DROP FUNCTION IF EXISTS history_refuse_change();", params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS decision_refuse_change();", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_case_timeline_partial_indexes"),
        ("accounts", "0003_user_session_key"),
        ("agencies", "0002_federal_directory"),
        ("policy", "0002_shipped_profiles"),
        ("cases", "0006_subject_search_keys"),
        ("intake", "0001_initial"),
        ("notifications", "0001_initial"),
        ("reports", "0002_export_job_task_id"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
