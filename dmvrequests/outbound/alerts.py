"""Alerts: an item sent to an immigration agency tells counsel and administrators at once.

Queued through the notifications outbox (sent after the scan's commit); the email names
no person and carries no record data, only that an item waits (docs/outbound.md).
"""

from __future__ import annotations

from accounts.models import User
from dmvrequests.codes import AgencyKind
from dmvrequests.notifications.models import Kind
from dmvrequests.notifications.services import email_queue
from dmvrequests.outbound.models import OutboundMessage, ReviewStatus


def alert_if_immigration(item: OutboundMessage) -> list[int]:
    """Queue the alert for a flagged item to an immigration agency; the outbox row ids."""
    if item.review_status != ReviewStatus.OPEN or item.agency_kind != AgencyKind.IMMIGRATION:
        return []
    recipients = User.objects.filter(
        is_active=True, groups__name__in=["Counsel", "Administrator"]
    ).distinct()
    return email_queue(
        kind=Kind.OUTBOUND_IMMIGRATION,
        recipients=list(recipients),
        subject="Staff email with record data to an immigration agency",
        template="notifications/outbound_alert.txt",
        context={"item": item},
        dedupe=f"outbound-alert:{item.pk}",
    )
