"""The demo journal shows every result, so `make run` has a queue to look at."""

import io

import pytest
from django.core.management import call_command

from dmvrequests.outbound.models import JournalEntry, OutboundMessage
from dmvrequests.testing import make_case


@pytest.mark.django_db
def test_the_demo_journal_has_each_result(office, clerk, settings):
    settings.DMV_EMAIL_DOMAINS = "dmv.example.gov"
    make_case(office=office, actor=clerk)
    out = io.StringIO()
    call_command("seed_outbound_demo", stdout=out)
    assert set(JournalEntry.objects.values_list("result", flat=True)) == {
        "flagged",
        "linked",
        "ignored",
    }
    assert JournalEntry.objects.get(duplicates=1).result == "flagged"
    bcc_only = OutboundMessage.objects.get(subject="FYI")
    assert (bcc_only.agency_kind, bcc_only.journal) == ("immigration", True)
    call_command("seed_outbound_demo", stdout=out)
    assert "already loaded" in out.getvalue()
