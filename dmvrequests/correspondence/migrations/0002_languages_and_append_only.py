"""English and Spanish, the shipped languages; issued letters and their sending made
append-only on PostgreSQL (the history tables' function of audit migration 0005:
UPDATE and DELETE refused, except an UPDATE that changes nothing, and the rewrite
that redaction and retention do inside history_rewrite())."""

from django.db import migrations

TABLES = ("correspondence_letter", "correspondence_letterdispatch")
TRIGGER = "letter_append_only"


def languages(apps, schema_editor):
    Language = apps.get_model("correspondence", "Language")
    for code, name in (("en", "English"), ("es", "Español (Spanish)")):
        Language.objects.get_or_create(code=code, defaults={"name": name})


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {schema_editor.quote_name(table)} "
            "FOR EACH ROW EXECUTE FUNCTION history_refuse_change();",
            params=None,
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS {TRIGGER} ON {schema_editor.quote_name(table)};", params=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("correspondence", "0001_initial"),
        ("audit", "0005_history_and_decisions_append_only"),
    ]

    operations = [
        migrations.RunPython(languages, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
