"""Releasing and discarding held messages (the services behind the quarantine pages)."""

import hashlib

import pytest

from dmvrequests.cases.models import LegalDocument
from dmvrequests.cases.services import WorkflowError
from dmvrequests.intake.models import InboundMessage, QuarantineStatus
from dmvrequests.intake.services import (
    message_ingest,
    quarantine_discard,
    quarantine_release,
)
from dmvrequests.intake.tests.conftest import EXE, PDF, authenticated, make_email

pytestmark = pytest.mark.django_db


def held(raw):
    result = message_ingest(raw=raw, source="file")
    assert result.result == "quarantined"
    return InboundMessage.objects.get(raw_sha256=hashlib.sha256(raw).hexdigest())


class TestRelease:
    def test_it_makes_a_case_with_the_documents_and_marks_the_message(self, office, ice, clerk):
        message = held(
            make_email(
                sender="Ana <ana@gmail.example>",
                body="Sent from my personal account.",
                attachments=[("order.pdf", PDF), ("tool.pdf", EXE)],
            )
        )
        case = quarantine_release(message=message, agency=ice, office=office, actor=clerk)
        message.refresh_from_db()
        assert (message.quarantine_status, message.case, message.handled_by) == (
            QuarantineStatus.RELEASED,
            case,
            clerk,
        )
        assert message.handled_at is not None
        assert (case.agency, case.office, case.channel, case.created_by) == (
            ice,
            office,
            "email",
            clerk,
        )
        assert "Sent from my personal account." in case.narrative
        assert "Attachment refused: tool.pdf" in case.narrative
        assert list(LegalDocument.objects.values_list("original_filename", flat=True)) == [
            "order.pdf"
        ]
        assert (message.document_count, len(message.rejected_attachments)) == (1, 1)
        assert message.history.latest().history_user == clerk

    def test_it_verifies_only_a_sender_of_the_chosen_agencys_domain(
        self, settings, office, ice, clerk
    ):
        settings.INTAKE_OFFICE = "closed-office"  # so that even ICE's message is held
        from_ice = held(make_email(headers=[authenticated("dmarc=pass header.from=ice.dhs.gov")]))
        stranger = held(
            make_email(
                sender="x@unknown.example",
                headers=[authenticated("dmarc=pass header.from=unknown.example")],
            )
        )
        case = quarantine_release(message=from_ice, agency=ice, office=office, actor=clerk)
        assert case.requester_verified is True
        case = quarantine_release(message=stranger, agency=ice, office=office, actor=clerk)
        assert case.requester_verified is False
        assert case.requester is None

    def test_it_releases_a_message_without_from_address(self, office, ice, clerk):
        message = held(make_email(sender=None, body="Call me back."))
        case = quarantine_release(message=message, agency=ice, office=office, actor=clerk)
        assert case.requester is None
        assert "Call me back." in case.narrative

    def test_it_releases_a_message_over_the_size_limit(self, settings, office, ice, clerk):
        settings.INTAKE_MAX_MESSAGE_BYTES = 2000
        message = held(make_email(body="z" * 3000, attachments=[("w.pdf", PDF)]))
        case = quarantine_release(message=message, agency=ice, office=office, actor=clerk)
        assert case.documents.count() == 1

    def test_it_refuses_a_message_it_cannot_read(self, settings, office, ice, clerk):
        settings.INTAKE_MAX_MIME_PARTS = 3
        message = held(make_email(attachments=[("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF)]))
        with pytest.raises(WorkflowError, match="cannot be made into a case automatically"):
            quarantine_release(message=message, agency=ice, office=office, actor=clerk)
        message.refresh_from_db()
        assert message.is_held

    def test_it_refuses_a_message_already_handled(self, office, ice, clerk):
        message = held(make_email(sender="x@unknown.example"))
        quarantine_discard(message=message, reason="Spam", actor=clerk)
        with pytest.raises(WorkflowError, match="already discarded by"):
            quarantine_release(message=message, agency=ice, office=office, actor=clerk)

    def test_it_refuses_anyone_but_a_clerk(self, office, ice, counsel):
        message = held(make_email(sender="x@unknown.example"))
        with pytest.raises(WorkflowError, match="Only clerks"):
            quarantine_release(message=message, agency=ice, office=office, actor=counsel)

    def test_it_gives_later_copies_the_released_case(self, office, ice, clerk):
        raw = make_email(sender="x@unknown.example")
        case = quarantine_release(message=held(raw), agency=ice, office=office, actor=clerk)
        again = message_ingest(raw=raw, source="file")
        assert (again.result, again.case) == ("duplicate", case.number)


class TestDiscard:
    def test_it_records_the_reason_and_keeps_the_message(self, office, clerk):
        message = held(make_email(sender="x@unknown.example"))
        quarantine_discard(message=message, reason="  Advertising.  ", actor=clerk)
        message.refresh_from_db()
        assert (message.quarantine_status, message.discard_reason, message.handled_by) == (
            QuarantineStatus.DISCARDED,
            "Advertising.",
            clerk,
        )
        assert message.raw.storage.exists(message.raw.name)

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_it_needs_a_reason(self, office, clerk, reason):
        message = held(make_email(sender="x@unknown.example"))
        with pytest.raises(WorkflowError, match="Say why"):
            quarantine_discard(message=message, reason=reason, actor=clerk)
