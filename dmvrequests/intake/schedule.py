"""Celery beat entries of email intake, merged into settings.CELERY_BEAT_SCHEDULE."""

BEAT_SCHEDULE = {
    "intake-poll-imap": {
        "task": "dmvrequests.intake.tasks.poll_imap",
        "schedule": 60.0,
        # A poll still queued when the next is due is dropped rather than run late.
        "options": {"expires": 55},
    },
}
