"""Celery beat entries for the audit app; merge into CELERY_BEAT_SCHEDULE in settings.

Times are in CELERY_TIMEZONE (the DMV's local time), at night when the
verification's full scan and retention's writes disturb nobody.
"""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "audit-verify-chain-nightly": {
        "task": "dmvrequests.oversight.tasks.verify_audit_chain",
        "schedule": crontab(hour=2, minute=15),
    },
    "audit-apply-retention-nightly": {
        "task": "dmvrequests.oversight.tasks.apply_retention_policy",
        "schedule": crontab(hour=3, minute=15),
    },
}
