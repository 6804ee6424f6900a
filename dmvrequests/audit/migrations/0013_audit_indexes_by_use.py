"""The audit log's indexes, by what reads them (docs/audit.md, "Indexes").

- `audit_username_idx` (username, occurred_at) served no query: the access log and a
  user's activity match the name in any case (`username__iexact`, that is
  `UPPER(username) = UPPER(...)`), which a plain index on the column cannot answer, so the
  access log by user name walked the table newest first until it had a page, all of it
  for a name with few records (and counted every row). `audit_username_upper_idx`
  (UPPER(username), seq) answers both, newest first.
- `audit_case_idx` (case_number, occurred_at) duplicated `audit_case_seq_idx`
  (case_number, seq) for every reader: a case's records are found by number, then its
  period filtered among them.
- The user foreign key's own index duplicated `audit_user_idx` (user, occurred_at).

Every page writes audit records (a queue page fifty), and each index is one more entry
per record: ten indexes become eight. The foreign key keeps its constraint; only its
index is dropped (no table rebuild on SQLite, which would also have to copy the log).
"""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models

# Django's name for the foreign key's index (the same on PostgreSQL and SQLite).
USER_FK_INDEX = "audit_auditrecord_user_id_435ff1b9"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0012_access_kind_words"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="auditrecord", name="audit_username_idx"),
        migrations.RemoveIndex(model_name="auditrecord", name="audit_case_idx"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditrecord",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_records",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {USER_FK_INDEX}",
                    f'CREATE INDEX IF NOT EXISTS {USER_FK_INDEX} ON "audit_auditrecord" ("user_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(
                django.db.models.functions.text.Upper("username"),
                models.F("seq"),
                name="audit_username_upper_idx",
            ),
        ),
    ]
