"""Celery beat entries of the switch journal, merged into settings.CELERY_BEAT_SCHEDULE."""

BEAT_SCHEDULE = {
    "switchjournal-drop-folder": {
        "task": "dmvrequests.switchjournal.tasks.switch_log_drop_folder",
        "schedule": 60.0,
        # A run still queued when the next is due is dropped rather than run late.
        "options": {"expires": 55},
    },
}
