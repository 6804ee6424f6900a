"""Celery beat entries of the reports app; merge into CELERY_BEAT_SCHEDULE in settings."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Hourly, so an export never outlives its expiry by more than an hour.
    "reports-expire-export-jobs": {
        "task": "dmvrequests.reports.tasks.expire_export_jobs",
        "schedule": crontab(minute=40),
    },
}
