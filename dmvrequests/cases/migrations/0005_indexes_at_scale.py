"""Indexes for the case search and the queue at a million cases (docs/performance.md).

The queue's default order (emergencies, then the soonest due) over one status of
an office sorted up to 65,000 rows to show one page (0.4 s); the index below
hands them over in order.

The search matches the number, license number, plate, VIN or the start of the
subject's name, case-insensitively: `UPPER(subject_name) LIKE UPPER('maria%')`.
With one branch of that OR unindexed, PostgreSQL reads the whole table
(0.7-1 s at 1,000,000 cases); with every branch indexed it combines five index
scans (a few milliseconds). A LIKE prefix uses a btree only under the C
collation or with text_pattern_ops, hence the expression index below, created
on PostgreSQL only (SQLite has no operator classes, and its LIKE is already
case-insensitive). Like the audit triggers of audit 0002 it is raw SQL, so the
model's Meta does not list it.
"""

from django.db import migrations, models

PREFIX_INDEX = (
    "CREATE INDEX IF NOT EXISTS case_subject_name_prefix_idx ON cases_disclosurerequest "
    "(UPPER(subject_name::text) text_pattern_ops)"
)
DROP_PREFIX_INDEX = "DROP INDEX IF EXISTS case_subject_name_prefix_idx"


def create_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREFIX_INDEX)
        # Statistics of the new expression: without them the planner guesses that a
        # name prefix matches 0.5% of the cases and walks the date index instead
        # (0.7 s for a full name, instead of 3 ms).
        schema_editor.execute("ANALYZE cases_disclosurerequest")


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_PREFIX_INDEX)


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_categories_may_be_empty")]

    operations = [
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["subject_vin"], name="case_vin_idx"),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(
                fields=["office", "status", "-emergency", "due_date", "received_at", "id"],
                name="case_queue_due_idx",
            ),
        ),
        migrations.RunPython(create_prefix_index, drop_prefix_index, elidable=False),
    ]
