"""Search by any part of a name and by plate or license number in any punctuation.

Three keys stored beside what was entered (cases/searchkeys.py): the name in
lowercase without accents or punctuation, the plate and the license number in
capitals without spaces or dashes. The plate and license keys have btree
indexes (equality). The name key has, on PostgreSQL only, a pg_trgm GIN index:
`subject_name_key LIKE '%gutierrez%'` then reads a few index pages instead of a
million rows. SQLite has no trigram index and scans, which is fine at the sizes
it serves. Existing cases get their keys here, in batches.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from dmvrequests.cases.searchkeys import KEYED_FIELDS, search_keys

TRIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS case_subject_name_trgm_idx ON cases_disclosurerequest "
    "USING gin (subject_name_key gin_trgm_ops)"
)
DROP_TRIGRAM_INDEX = "DROP INDEX IF EXISTS case_subject_name_trgm_idx"
BATCH_SIZE = 2000
LIMITS = {"subject_name_key": 255, "subject_plate_key": 20, "subject_license_key": 40}


def fill_keys(apps, schema_editor):
    Case = apps.get_model("cases", "DisclosureRequest")
    manager = Case._default_manager.using(schema_editor.connection.alias)
    sources = list(KEYED_FIELDS)
    last = 0
    while True:
        batch = list(manager.filter(pk__gt=last).order_by("pk").only("pk", *sources)[:BATCH_SIZE])
        if not batch:
            break
        for case in batch:
            keys = search_keys({f: getattr(case, f) for f in sources})
            for key_field, value in keys.items():
                setattr(case, key_field, value[: LIMITS[key_field]])
        manager.bulk_update(batch, list(LIMITS))
        last = batch[-1].pk


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGRAM_INDEX)
        schema_editor.execute("ANALYZE cases_disclosurerequest")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGRAM_INDEX)


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_indexes_at_scale")]

    operations = [
        # CreateExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.AddField(
            model_name="disclosurerequest",
            name="subject_name_key",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="subject_plate_key",
            field=models.CharField(blank=True, editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="disclosurerequest",
            name="subject_license_key",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["subject_plate_key"], name="case_plate_key_idx"),
        ),
        migrations.AddIndex(
            model_name="disclosurerequest",
            index=models.Index(fields=["subject_license_key"], name="case_license_key_idx"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
