"""An item to an immigration agency alerts counsel and administrators at once, without the
record data; other items wait in the queue."""

import pytest

from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.outbound.services import journal_scan
from dmvrequests.outbound.tests.conftest import staff_email

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _addresses(counsel, administrator, clerk):
    for user in (counsel, administrator, clerk):
        user.email = f"{user.username}@dmv.example.gov"
        user.save()


def test_an_immigration_item_alerts_counsel_and_administrators(counsel, administrator, clerk):
    journal_scan(raw=staff_email(body="DOB 01/02/1980, DL 123456789"))
    alerts = OutboundEmail.objects.filter(kind="outbound_alert")
    assert {a.user for a in alerts} == {counsel, administrator}
    assert all("123456789" not in a.body and "01/02/1980" not in a.body for a in alerts)


def test_an_item_to_the_police_does_not(counsel, administrator):
    journal_scan(raw=staff_email(to="x@fbi.gov", body="DOB 01/02/1980"))
    assert not OutboundEmail.objects.filter(kind="outbound_alert").exists()


def test_a_duplicate_does_not_alert_twice(counsel):
    raw = staff_email(body="DOB 01/02/1980")
    journal_scan(raw=raw)
    journal_scan(raw=raw)
    assert OutboundEmail.objects.filter(kind="outbound_alert").count() == 2  # one each


def test_retention_deletes_reviewed_items_and_their_bytes_only(settings, counsel):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from dmvrequests.outbound.models import JournalEntry, OutboundMessage
    from dmvrequests.outbound.review import item_dismiss
    from dmvrequests.outbound.services import retention_apply

    settings.OUTBOUND_RETENTION_YEARS = 1
    journal_scan(raw=staff_email(body="DOB 01/02/1980"))
    journal_scan(raw=staff_email(body="SSN 123-45-6789"))
    old, waiting = OutboundMessage.objects.order_by("id")
    item_dismiss(item=old, reason="Not DMV data.", actor=counsel)
    later = timezone.now() + timedelta(days=400)
    assert retention_apply(now=later) == 1
    assert list(OutboundMessage.objects.all()) == [waiting]
    assert not default_storage.exists(old.raw_file)
    assert JournalEntry.objects.count() == 2
