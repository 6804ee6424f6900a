"""Notification jobs. Each takes ids or nothing, is idempotent, and stays well within
the broker's visibility timeout (settings.CELERY_TASK_TIME_LIMIT)."""

from celery import shared_task

from dmvrequests.notifications import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_outbound(ids):
    return sum(1 for email_id in ids if services.deliver(email_id))


@shared_task(soft_time_limit=240, time_limit=300)
def outbox_sweep():
    """Send what was queued while the broker was down, or failed before."""
    return sum(1 for email_id in list(services.unsent()[:500]) if services.deliver(email_id))


@shared_task(soft_time_limit=600, time_limit=900)
def daily_digest():
    return services.digest_send()


@shared_task(soft_time_limit=240, time_limit=300)
def followups_overdue():
    return services.followups_overdue_notify()
