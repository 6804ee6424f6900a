"""Celery tasks of the API, queued by name (dmvrequests/tasking.py)."""

from celery import shared_task

from dmvrequests.api.models import DeliveryState, WebhookDelivery
from dmvrequests.api.webhooks import MAX_ATTEMPTS, attempt, backoff_seconds


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1)
def webhook_deliver(self, delivery_id: int) -> str:
    """Send one webhook delivery; on failure retry with exponential backoff
    (webhooks.backoff_seconds) until MAX_ATTEMPTS. Returns the delivery's state.

    Run in-process (no REDIS_URL, `make run`), a failed delivery is not retried: it stays
    "retrying" and the user's action that changed the status is not held up by it."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.state in (DeliveryState.DELIVERED, DeliveryState.FAILED):
        return delivery.state if delivery else "missing"
    if attempt(delivery):
        return delivery.state
    if delivery.state == DeliveryState.RETRYING and not self.request.is_eager:
        raise self.retry(countdown=backoff_seconds(delivery.attempts))
    return delivery.state
