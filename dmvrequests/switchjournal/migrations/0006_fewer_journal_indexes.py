"""Fewer indexes on the journal, for a faster import (docs/network-queries.md, "Scale"):
(direction, timestamp) goes (a period's messages are read through the unique key, which starts
with the timestamp), and so does the index of `agency_id` (an agency's entries are read over a
period, through the time). A partial index finds the block leaks, which are few.

The agency's index was made by Django on SQLite and by 0002 (`journal_agency_idx`) on
PostgreSQL: it is dropped by its name on each."""

from django.db import migrations, models

TABLE = "switchjournal_journalentry"


def drop_agency_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS journal_agency_idx")
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    for name, details in constraints.items():
        if details["index"] and not details["unique"] and details["columns"] == ["agency_id"]:
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def add_agency_index(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX journal_agency_idx ON {TABLE} (agency_id)")


class Migration(migrations.Migration):
    dependencies = [("switchjournal", "0005_journal_upload")]

    operations = [
        migrations.RemoveIndex(model_name="journalentry", name="journal_dir_time_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalentry",
                    name="agency",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=models.DO_NOTHING,
                        related_name="+",
                        to="agencies.agency",
                    ),
                )
            ],
            database_operations=[migrations.RunPython(drop_agency_index, add_agency_index)],
        ),
        migrations.AddIndex(
            model_name="journalentry",
            index=models.Index(
                condition=models.Q(("block_leak", True)),
                fields=["timestamp"],
                name="journal_leak_idx",
            ),
        ),
    ]
