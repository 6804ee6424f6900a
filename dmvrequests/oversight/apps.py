from django.apps import AppConfig


class OversightConfig(AppConfig):
    """The auditors' side of the audit trail: the access log and change history screens,
    the chain verification, a case's timeline page, redaction and the retention policy.

    It reads cases and accounts, so it sits above them; the trail itself (records, chain,
    `access_log`) is the `audit` app, below every app that records into it
    (docs/decisions/0006-app-boundaries.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "dmvrequests.oversight"
    label = "oversight"
    verbose_name = "Oversight"
