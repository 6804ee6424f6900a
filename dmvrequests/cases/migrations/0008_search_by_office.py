"""Search within what a clerk or counsel may see, from one index.

The search asks for the cases matching a name among those the user may view
(cases/capabilities.py, visible_cases with a narrowed queryset): the office's
cases are one arm of a UNION ALL, `office_id = X AND subject_name_key LIKE
'%julia%'`. A GIN index over both columns (btree_gin gives the integer column a
GIN operator class, pg_trgm the name) answers that arm alone, reading only the
office's matching rows: at 1,000,000 cases a first name shared by 21,800 cases
across the state is 1,763 rows of one office, not 21,800 rows checked one by
one. PostgreSQL only; SQLite scans, which is fine at the sizes it serves.
"""

from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS case_office_name_trgm_idx ON cases_disclosurerequest "
    "USING gin (office_id, subject_name_key gin_trgm_ops)"
)
DROP_INDEX = "DROP INDEX IF EXISTS case_office_name_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX)
        schema_editor.execute("ANALYZE cases_disclosurerequest")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_single_line_text")]

    operations = [
        # Does nothing on databases other than PostgreSQL.
        BtreeGinExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
