"""Celery tasks of the agency portal."""

from celery import shared_task

from dmvrequests.portal.reminders import certification_reminders_send


@shared_task(soft_time_limit=240, time_limit=300)
def certification_reminders() -> int:
    """Remind agencies of certifications about to end (portal.reminders)."""
    return certification_reminders_send()
