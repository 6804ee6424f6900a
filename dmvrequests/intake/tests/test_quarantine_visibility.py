"""Issue 13, item 1: a released email is its case's, and every view of a held email is
recorded. Held and discarded emails belong to no office: every clerk reads them."""

import hashlib

import pytest
from django.urls import reverse

from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.cases import services as case_services
from dmvrequests.cases.models import DisclosureRequest, Status
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest, quarantine_discard, quarantine_release
from dmvrequests.intake.tests.conftest import PDF, PNG, make_email

pytestmark = pytest.mark.django_db

BODY = "Please send the license record of Maria Lopez, license 123456789, plate HXT4821."


@pytest.fixture
def message(db):
    raw = make_email(
        sender="Unknown Sender <someone@unknown.example>",
        body=BODY,
        attachments=[("warrant.pdf", PDF)],
    )
    assert message_ingest(raw=raw, source="file").result == "quarantined"
    return InboundMessage.objects.get(raw_sha256=hashlib.sha256(raw).hexdigest())


def detail_url(message):
    return reverse("intake:quarantine_detail", args=[message.pk])


def reads_of(message, user):
    return AuditRecord.objects.filter(
        user=user, object_type="intake.inboundmessage", object_id=str(message.pk)
    )


class TestReleasedEmails:
    def test_a_clerk_of_another_office_cannot_read_an_email_released_into_our_case(
        self, client, clerk, other_clerk, office, ice, message
    ):
        quarantine_release(message=message, agency=ice, office=office, actor=clerk)
        client.force_login(other_clerk)
        response = client.get(detail_url(message))
        assert response.status_code == 404
        assert "Maria Lopez" not in response.content.decode()

    def test_the_cases_own_clerks_still_read_it(self, client, clerk, office, ice, message):
        case = quarantine_release(message=message, agency=ice, office=office, actor=clerk)
        client.force_login(clerk)
        response = client.get(detail_url(message))
        assert response.status_code == 200
        assert "Maria Lopez" in response.content.decode()
        assert reads_of(message, clerk).get().case_number == case.number

    def test_a_share_of_the_case_opens_the_email_with_it(
        self, client, clerk, counsel, other_clerk, office, other_office, ice, message
    ):
        case = quarantine_release(message=message, agency=ice, office=office, actor=clerk)
        case_services.case_share(case=case, actor=counsel, office=other_office, reason="Joint")
        client.force_login(other_clerk)
        assert client.get(detail_url(message)).status_code == 200

    def test_the_releasing_clerk_loses_sight_of_another_offices_email(
        self, client, clerk, other_clerk, other_office, ice, message
    ):
        quarantine_release(message=message, agency=ice, office=other_office, actor=clerk)
        client.force_login(clerk)
        assert client.get(detail_url(message)).status_code == 404
        client.force_login(other_clerk)
        assert client.get(detail_url(message)).status_code == 200


class TestReleasingIntoAnotherOffice:
    def test_every_attachment_goes_with_the_case_and_then_it_is_that_offices(
        self, clerk, other_office, ice
    ):
        raw = make_email(
            sender="Unknown Sender <someone@unknown.example>",
            body=BODY,
            attachments=[("warrant.pdf", PDF), ("scan.png", PNG)],
        )
        message_ingest(raw=raw, source="file")
        message = InboundMessage.objects.get(raw_sha256=hashlib.sha256(raw).hexdigest())
        case = quarantine_release(message=message, agency=ice, office=other_office, actor=clerk)
        assert case.documents.count() == 2
        # Buffalo completes the intake and submits it (as the services would).
        DisclosureRequest.objects.filter(pk=case.pk).update(status=Status.IN_REVIEW)
        case.refresh_from_db()
        with pytest.raises(case_services.WorkflowError):
            case_services.document_add(case=case, actor=clerk, type="court_order")
        assert case.documents.count() == 2


class TestHeldEmails:
    def test_every_clerk_reads_a_held_email_and_each_read_is_recorded(
        self, client, clerk, other_clerk, message
    ):
        for reader in (clerk, other_clerk):
            client.force_login(reader)
            response = client.get(detail_url(message))
            assert response.status_code == 200
            record = reads_of(message, reader).get()
            assert (record.action, record.outcome, record.case_number) == (
                Action.VIEW_CASE,
                "success",
                "",
            )

    def test_a_refused_form_shows_the_email_again_and_records_the_read(
        self, client, clerk, message
    ):
        client.force_login(clerk)
        response = client.post(reverse("intake:quarantine_release", args=[message.pk]), {})
        assert "Maria Lopez" in response.content.decode()
        assert reads_of(message, clerk).count() == 1

    def test_a_discarded_email_stays_readable_by_every_clerk(
        self, client, clerk, other_clerk, message
    ):
        quarantine_discard(message=message, reason="Spam", actor=clerk)
        client.force_login(other_clerk)
        assert client.get(detail_url(message)).status_code == 200
        assert reads_of(message, other_clerk).count() == 1
