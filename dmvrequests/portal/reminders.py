"""Reminding agencies before a certification on file ends (docs/portal.md, "Certifications on
file"): the agency's portal administrators are emailed CERTIFICATION_REMINDER_DAYS days before
(default 30), once per certification and threshold."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from dmvrequests.agencies.certifications import reminder_days
from dmvrequests.agencies.models import Certification, Officer
from dmvrequests.notifications.models import Kind
from dmvrequests.notifications.services import email_queue


def _renewed(certification: Certification, horizon: date) -> bool:
    """True when the agency has another certification of the same kind that holds past
    `horizon`: it signed a new one, and nobody needs reminding."""
    return (
        Certification.objects.filter(
            agency_id=certification.agency_id,
            kind=certification.kind,
            expires_on__gt=horizon,
        )
        .exclude(pk=certification.pk)
        .exists()
    )


def certification_reminders_send(today: date | None = None) -> int:
    """Email the portal administrators of every agency whose certification ends within the
    threshold (today included) and was not renewed. The dedupe key names the certification
    and the threshold, so each is reminded once, and again only if the threshold changes.
    Returns the number of certifications reminded of this time (new emails queued)."""
    today = today or timezone.localdate()
    days = reminder_days()
    horizon = today + timedelta(days=days)
    due = Certification.objects.filter(expires_on__gte=today, expires_on__lte=horizon)
    reminded = 0
    for certification in due.select_related("agency").order_by("expires_on", "id"):
        if _renewed(certification, horizon):
            continue
        admins = Officer.objects.portal_admins().filter(agency_id=certification.agency_id)
        recipients = [officer.user for officer in admins.select_related("user")]
        created = email_queue(
            kind=Kind.PORTAL,
            recipients=recipients,
            subject=f"Your agency's certification with the DMV ends on "
            f"{certification.expires_on:%b} {certification.expires_on.day}, "
            f"{certification.expires_on.year}",
            template="portal/email/certification_expiring.txt",
            context={
                "certification": certification,
                "days_left": (certification.expires_on - today).days,
            },
            dedupe=f"certification-expiring:{certification.pk}:{days}",
        )
        reminded += bool(created)
    return reminded
