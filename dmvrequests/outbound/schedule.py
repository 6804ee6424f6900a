"""Celery beat entries of the outbound journal, merged into settings.CELERY_BEAT_SCHEDULE."""

BEAT_SCHEDULE = {
    "outbound-poll-journal": {
        "task": "dmvrequests.outbound.tasks.poll_journal",
        "schedule": 300.0,
        # A poll still queued when the next is due is dropped rather than run late.
        "options": {"expires": 290},
    },
    "outbound-retention": {
        "task": "dmvrequests.outbound.tasks.apply_retention",
        "schedule": 24 * 3600.0,
    },
}
