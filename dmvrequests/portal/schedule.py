"""Celery beat entries of the agency portal, merged into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "portal-certification-reminders": {
        "task": "dmvrequests.portal.tasks.certification_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
}
