"""Celery beat entries of notifications, merged into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "notifications-outbox-sweep": {
        "task": "dmvrequests.notifications.tasks.outbox_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "notifications-daily-digest": {
        "task": "dmvrequests.notifications.tasks.daily_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifications-followups-overdue": {
        "task": "dmvrequests.notifications.tasks.followups_overdue",
        "schedule": crontab(minute=5),
    },
}
