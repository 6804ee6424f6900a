# Reads of subject identifiers on list pages get their own actions; the access log by case
# number, newest first, gets an index that needs no sort (docs/audit.md).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditrecord",
            name="action",
            field=models.CharField(
                choices=[
                    ("view_case", "Viewed a case"),
                    ("view_timeline", "Viewed a case's timeline"),
                    ("download_document", "Downloaded a document"),
                    ("view_letter", "Viewed a letter"),
                    ("export", "Exported case data"),
                    ("search", "Searched cases"),
                    ("list_queue", "Listed in a queue"),
                    ("list_history", "Listed in the change history"),
                    ("list_quarantine", "Listed in the intake quarantine"),
                    ("search_audit", "Searched the access log"),
                    ("search_history", "Searched the change history"),
                    ("export_audit", "Exported the audit trail"),
                    ("user_activity", "Opened a user's activity report"),
                    ("view_verification", "Viewed the chain's verification status"),
                    ("sign_in", "Signed in"),
                    ("sign_out", "Signed out"),
                    ("sign_in_failed", "Failed to sign in"),
                    ("lockout", "Locked out"),
                    ("mfa", "Multi-factor authentication"),
                    ("password", "Password change or reset"),
                    ("redact", "Redacted text"),
                    ("apply_retention", "Removed subject identifiers (retention)"),
                    ("retention_run", "Ran the retention policy"),
                    ("verify_chain", "Verified the audit chain"),
                    ("share", "Shared case data"),
                ],
                max_length=40,
            ),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["case_number", "seq"], name="audit_case_seq_idx"),
        ),
    ]
