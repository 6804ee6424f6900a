"""The ingestion service against the ingest_email contract (docs/intake.md), one rule at a time."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from dmvrequests.agencies.models import Agency, Requester
from dmvrequests.cases import services as case_services
from dmvrequests.cases.models import DisclosureRequest, LegalDocument, Status
from dmvrequests.cases.services import WorkflowError
from dmvrequests.intake import filing, ingestion, services
from dmvrequests.intake.models import InboundMessage, QuarantineStatus
from dmvrequests.intake.services import NO_AGENCY, agency_for_domain, message_ingest
from dmvrequests.intake.tests.conftest import (
    EXE,
    PDF,
    PNG,
    TRUSTED,
    authenticated,
    make_email,
    nested_multipart,
)
from dmvrequests.testing import AgencyFactory, OfficeFactory

pytestmark = pytest.mark.django_db


# DMARC passed for the From domain, stamped by the DMV's own receiving server.
ALIGNED = (("Authentication-Results", f"{TRUSTED}; dmarc=pass header.from=ice.dhs.gov"),)


def ingest(raw, **kwargs):
    return message_ingest(raw=raw, source=kwargs.pop("source", "file"), **kwargs)


class TestCreated:
    def test_it_creates_a_received_email_case_from_an_agency_message(self, office, ice):
        raw = make_email(subject="Driver record request", body="Need the address of M. Lopez.")
        result = ingest(raw)
        assert result.result == "created"
        assert result.agency_kind == "immigration"
        assert result.sender_verified is False
        case = DisclosureRequest.objects.get(number=result.case)
        assert (case.channel, case.status, case.purpose, case.categories) == (
            "email",
            Status.RECEIVED,
            "other",
            [],
        )
        assert (case.agency, case.office, case.created_by) == (ice, office, None)
        assert "Subject: Driver record request" in case.narrative
        assert "Need the address of M. Lopez." in case.narrative

    def test_it_keeps_the_raw_message_byte_for_byte(self, office, ice):
        raw = make_email()
        result = ingest(raw)
        message = InboundMessage.objects.get(message_id=result.message_id)
        assert services.read_raw(message) == raw
        assert message.raw_sha256 == hashlib.sha256(raw).hexdigest()
        assert (message.raw_size, message.source) == (len(raw), "file")

    def test_it_records_the_requester_from_a_verified_from_address(self, office, ice):
        case_number = ingest(make_email(headers=ALIGNED)).case
        requester = DisclosureRequest.objects.get(number=case_number).requester
        assert requester is not None
        assert (requester.name, requester.email, requester.agency) == (
            "Officer Ana Reyes",
            "ana.reyes@ice.dhs.gov",
            ice,
        )

    def test_it_reuses_the_agencys_requester_with_that_address(self, office, ice):
        ingest(make_email(headers=ALIGNED))
        ingest(make_email(sender="ANA.REYES@ice.dhs.gov"))
        assert Requester.objects.filter(email__iexact="ana.reyes@ice.dhs.gov").count() == 1
        assert DisclosureRequest.objects.filter(requester__isnull=False).count() == 2

    def test_an_unverified_sender_never_becomes_a_known_officer(self, office, ice):
        """A forged From (DMARC passed for another domain) is not added to the directory:
        the new-request form would offer it as a known officer."""
        forged = (("Authentication-Results", f"{TRUSTED}; dmarc=pass header.from=attack.example"),)
        result = ingest(make_email(headers=forged))
        case = DisclosureRequest.objects.get(number=result.case)
        assert (result.sender_verified, case.requester) == (False, None)
        assert not Requester.objects.filter(email__iexact="ana.reyes@ice.dhs.gov").exists()

    def test_it_tells_the_clerk_to_call_back_an_unverified_sender(self, office, ice):
        ice.published_phone = "202-555-0199"
        ice.save()
        case = DisclosureRequest.objects.get(number=ingest(make_email()).case)
        assert case.requester_verified is False
        assert "Call the agency's published number (202-555-0199)" in case.narrative

    def test_it_marks_a_verified_senders_case_verified(self, office, ice):
        raw = make_email(headers=[authenticated("dmarc=pass header.from=ice.dhs.gov")])
        result = ingest(raw)
        case = DisclosureRequest.objects.get(number=result.case)
        assert result.sender_verified is True
        assert case.requester_verified is True
        assert "not verified" not in case.narrative

    def test_it_takes_the_received_time_from_a_plausible_date(self, office, ice):
        written = timezone.now() - timedelta(hours=5)
        result = ingest(make_email(date=written))
        case = DisclosureRequest.objects.get(number=result.case)
        assert abs(case.received_at - written) < timedelta(seconds=1)

    @pytest.mark.parametrize("offset", [timedelta(days=2), -timedelta(days=400)])
    def test_it_uses_the_arrival_time_when_the_date_is_implausible(self, office, ice, offset):
        arrived = timezone.now().replace(microsecond=0)
        result = ingest(make_email(date=arrived + offset), arrived_at=arrived)
        assert DisclosureRequest.objects.get(number=result.case).received_at == arrived

    def test_it_uses_the_arrival_time_when_the_date_is_unreadable(self, office, ice):
        arrived = timezone.now().replace(microsecond=0)
        raw = make_email().replace(b"Date: ", b"Date: not a date; was ")
        result = ingest(raw, arrived_at=arrived)
        assert DisclosureRequest.objects.get(number=result.case).received_at == arrived

    def test_it_converts_an_html_body_to_text_and_never_keeps_markup(self, office, ice):
        html = (
            "<html><head><style>p{color:red}</style><script>steal()</script></head>"
            "<body><p>Please send the <b>address</b> on file.</p><ul><li>Plate ABC1234</li></ul>"
            "</body></html>"
        )
        raw = make_email(body=html).replace(b"text/plain", b"text/html")
        narrative = DisclosureRequest.objects.get(number=ingest(raw).case).narrative
        assert "Please send the address on file." in narrative
        assert "- Plate ABC1234" in narrative
        assert "<" not in narrative.split("Email intake notes")[0]
        assert "steal()" not in narrative and "color:red" not in narrative

    def test_it_prefers_the_plain_text_alternative(self, office, ice):
        raw = make_email(body="Plain words.", html="<p>HTML words.</p>")
        narrative = DisclosureRequest.objects.get(number=ingest(raw).case).narrative
        assert "Plain words." in narrative and "HTML words." not in narrative

    def test_it_files_into_the_office_named_by_intake_office(self, settings, office, ice):
        buffalo = OfficeFactory(name="Buffalo legal unit", code="buffalo")
        settings.INTAKE_OFFICE = "buffalo"
        case = DisclosureRequest.objects.get(number=ingest(make_email()).case)
        assert case.office == buffalo

    def test_it_writes_history_as_the_system(self, office, ice):
        result = ingest(make_email())
        case = DisclosureRequest.objects.get(number=result.case)
        assert case.history.get().history_user is None
        assert InboundMessage.objects.get(case=case).history.get().history_type == "+"


class TestAgencyMatching:
    @pytest.mark.parametrize(
        ("domain", "slug"),
        [
            ("ice.dhs.gov", "ice-ero"),
            ("x.ice.dhs.gov", "ice-ero"),
            ("deep.field.ice.dhs.gov", "ice-ero"),
            ("fbi.gov", "fbi"),
            ("ice.dhs.gov.example.com", None),
            ("notice.dhs.gov", None),
            ("fakeice.dhs.gov", None),
            ("dhs.gov", None),
            ("gov", None),
            ("", None),
        ],
    )
    def test_it_matches_equal_domains_and_subdomains_only(self, domain, slug):
        agency = agency_for_domain(domain)
        assert (agency.slug if agency else None) == slug

    def test_it_matches_domains_case_insensitively(self, office, ice):
        assert ingest(make_email(sender="Agent <AGENT@X.ICE.DHS.GOV>")).agency_kind == "immigration"

    def test_it_prefers_the_most_specific_agency(self):
        dhs = AgencyFactory(name="DHS headquarters", slug="dhs-hq", email_domains="dhs.gov")
        agency = agency_for_domain("x.ice.dhs.gov")
        assert agency is not None and agency.slug == "ice-ero"
        assert agency_for_domain("hq.dhs.gov") == dhs

    def test_it_quarantines_a_look_alike_domain(self, office, ice):
        result = ingest(make_email(sender="Agent <agent@ice.dhs.gov.example.com>"))
        assert (result.result, result.case, result.agency_kind) == ("quarantined", None, None)
        assert result.reason == NO_AGENCY


class TestSenderVerification:
    @pytest.mark.parametrize(
        ("header", "verified"),
        [
            (authenticated("dmarc=pass header.from=ice.dhs.gov"), True),
            (authenticated("dkim=pass header.d=ice.dhs.gov header.s=sel1"), True),
            (authenticated("dkim=pass header.d=dhs.gov"), False),
            (authenticated("dkim=pass header.d=evil.example"), False),
            (authenticated("dkim=fail header.d=ice.dhs.gov"), False),
            (authenticated("spf=pass smtp.mailfrom=ice.dhs.gov"), False),
            (authenticated("dmarc=fail; dkim=pass header.d=ice.dhs.gov"), False),
            (authenticated("dmarc=pass", authserv_id="mx.attacker.example"), False),
            (authenticated("dmarc=pass", authserv_id=f"{TRUSTED}.attacker.example"), False),
            (("X-Authentication-Results", f"{TRUSTED}; dmarc=pass"), False),
        ],
    )
    def test_it_believes_only_our_servers_passing_results(self, office, ice, header, verified):
        assert ingest(make_email(headers=[header])).sender_verified is verified

    def test_it_is_unverified_without_authentication_results(self, office, ice):
        assert ingest(make_email()).sender_verified is False

    def test_it_is_unverified_when_no_trusted_server_is_configured(self, settings, office, ice):
        settings.INTAKE_TRUSTED_AUTHSERV_ID = ""
        raw = make_email(headers=[authenticated("dmarc=pass", authserv_id="")])
        assert ingest(raw).sender_verified is False

    def test_it_is_unverified_when_the_domain_matches_no_agency(self, office):
        raw = make_email(sender="x@unknown.example", headers=[authenticated("dmarc=pass")])
        assert ingest(raw).sender_verified is False

    def test_it_is_unverified_with_several_from_addresses(self, office, ice):
        raw = make_email(
            sender="a@ice.dhs.gov, b@ice.dhs.gov", headers=[authenticated("dmarc=pass")]
        )
        assert ingest(raw).sender_verified is False


class TestAttachments:
    def test_it_stores_a_pdf_as_an_unclassified_document_with_its_sha256(self, office, ice):
        result = ingest(make_email(attachments=[("warrant.pdf", PDF)]))
        assert (result.documents, result.rejected_attachments, result.reason) == (1, [], None)
        document = LegalDocument.objects.get(case__number=result.case)
        assert (document.type, document.issuer, document.content_type) == (
            "none",
            "none",
            "application/pdf",
        )
        assert document.sha256 == hashlib.sha256(PDF).hexdigest()
        assert document.original_filename == "warrant.pdf"
        with document.file.open("rb") as stored:
            assert stored.read() == PDF

    def test_it_judges_by_content_not_by_name_or_declared_type(self, office, ice):
        result = ingest(make_email(attachments=[("scan.bin", PNG)]))
        assert result.documents == 1
        assert LegalDocument.objects.get(case__number=result.case).content_type == "image/png"

    def test_it_refuses_an_executable_named_pdf(self, office, ice):
        result = ingest(make_email(attachments=[("warrant.pdf", EXE), ("order.pdf", PDF)]))
        assert result.result == "created"
        assert result.documents == 1
        assert [r["filename"] for r in result.rejected_attachments] == ["warrant.pdf"]
        assert "not a PDF, PNG, JPEG or TIFF file" in result.rejected_attachments[0]["reason"]
        assert result.reason.startswith("1 attachment refused (warrant.pdf:")
        case = DisclosureRequest.objects.get(number=result.case)
        assert "Attachment refused: warrant.pdf" in case.narrative

    def test_it_refuses_an_attachment_over_the_size_limit(self, settings, office, ice):
        settings.INTAKE_MAX_ATTACHMENT_BYTES = 1024 * 1024
        big = PDF + bytes(1536 * 1024)
        result = ingest(make_email(attachments=[("big.pdf", big), ("small.pdf", PDF)]))
        assert result.documents == 1
        assert result.rejected_attachments == [
            {"filename": "big.pdf", "reason": "it is 1.5 MB; the limit is 1 MB"}
        ]

    def test_one_file_attached_twice_is_stored_once(self, office, ice):
        result = ingest(make_email(attachments=[("warrant.pdf", PDF), ("copy.pdf", PDF)]))
        assert result.documents == 1
        document = LegalDocument.objects.get(case__number=result.case)
        assert document.original_filename == "warrant.pdf"

    def test_it_sanitises_attachment_names(self, office, ice):
        result = ingest(make_email(attachments=[("../../etc/warrant\x07.pdf", PDF)]))
        document = LegalDocument.objects.get(case__number=result.case)
        assert document.original_filename == "warrant.pdf"
        assert ".." not in str(document.file.name)

    def test_it_names_an_unnamed_inline_image(self, office, ice):
        raw = make_email()
        message = __import__("email").message_from_bytes(
            raw, policy=__import__("email").policy.default
        )
        message.add_attachment(PNG, maintype="image", subtype="png", disposition="inline")
        result = ingest(message.as_bytes())
        assert LegalDocument.objects.get(case__number=result.case).original_filename == (
            "attachment-1"
        )


class TestLimits:
    def test_it_quarantines_a_message_over_the_size_limit(self, settings, office, ice):
        settings.INTAKE_MAX_MESSAGE_BYTES = 10_000
        result = ingest(make_email(body="x" * 20_000))
        assert (result.result, result.case) == ("quarantined", None)
        assert "a limit an administrator sets" in result.reason
        message = InboundMessage.objects.get(message_id=result.message_id)
        assert message.from_address == "ana.reyes@ice.dhs.gov"
        assert message.quarantine_status == QuarantineStatus.HELD

    def test_it_quarantines_a_message_with_too_many_parts(self, settings, office, ice):
        settings.INTAKE_MAX_MIME_PARTS = 5
        result = ingest(make_email(attachments=[(f"p{n}.pdf", PDF) for n in range(6)]))
        assert result.result == "quarantined"
        assert "more than 5 parts (texts and attachments)" in result.reason

    def test_it_quarantines_parts_nested_too_deep(self, office, ice):
        result = ingest(nested_multipart(12))
        assert result.result == "quarantined"
        assert "inside one another more than 10 levels" in result.reason

    def test_it_accepts_nesting_within_the_limit(self, office, ice):
        assert ingest(nested_multipart(8)).result == "created"

    def test_it_quarantines_nesting_deep_enough_to_break_the_parser(self, office, ice):
        result = ingest(nested_multipart(3000))
        assert result.result == "quarantined"
        assert "inside one another more than 10 levels" in result.reason

    @pytest.mark.parametrize(
        ("raw", "reason"),
        [
            (b"", "The message is empty"),
            (b"   \r\n", "The message is empty"),
            (b"just some words\nand more words\n", "This is not an email"),
            (PDF, "This is not an email"),
            (make_email(sender=None), "no From address"),
        ],
    )
    def test_it_quarantines_what_cannot_be_a_case(self, office, ice, raw, reason):
        result = ingest(raw)
        assert (result.result, result.case) == ("quarantined", None)
        assert reason in result.reason


class TestQuarantineReasons:
    def test_it_holds_a_message_from_an_unknown_domain(self, office):
        result = ingest(make_email(sender="someone@gmail.example"))
        assert (result.result, result.reason) == ("quarantined", NO_AGENCY)
        message = InboundMessage.objects.get(message_id=result.message_id)
        assert message.is_held

    def test_it_holds_a_message_when_no_office_exists(self, ice):
        result = ingest(make_email())
        assert result.result == "quarantined"
        assert "No office exists yet" in result.reason
        assert result.agency_kind == "immigration"

    def test_it_holds_a_message_when_intake_office_names_no_office(self, settings, office, ice):
        settings.INTAKE_OFFICE = "nowhere"
        result = ingest(make_email())
        assert result.result == "quarantined"
        assert "(nowhere) does not exist" in result.reason


class TestDuplicates:
    def test_it_answers_duplicate_for_a_message_id_already_ingested(self, office, ice):
        raw = make_email()
        first, second = ingest(raw), ingest(raw)
        assert second.result == "duplicate"
        assert (second.case, second.message_id) == (first.case, first.message_id)
        assert DisclosureRequest.objects.count() == 1
        duplicate = InboundMessage.objects.get(result="duplicate")
        assert duplicate.duplicate_of is not None and duplicate.duplicate_of.case is not None
        assert duplicate.duplicate_of.case.number == first.case

    def test_it_recognises_the_message_id_despite_different_bytes(self, office, ice):
        raw = make_email(message_id="<same@ice.dhs.gov>")
        first = ingest(raw)
        second = ingest(b"Received: from relay.example by mx.dmv.example.gov\r\n" + raw)
        assert (second.result, second.case) == ("duplicate", first.case)

    def test_it_recognises_a_message_without_message_id_by_its_bytes(self, office, ice):
        raw = make_email(message_id=None)
        first, second = ingest(raw), ingest(raw)
        assert (first.message_id, second.result, second.case) == (None, "duplicate", first.case)
        other = ingest(make_email(message_id=None, body="A different request."))
        assert other.result == "created"

    def test_it_answers_duplicate_of_a_quarantined_message(self, office):
        raw = make_email(sender="someone@unknown.example")
        ingest(raw)
        again = ingest(raw)
        assert (again.result, again.case) == ("duplicate", None)

    def test_it_answers_duplicate_when_a_concurrent_copy_commits_first(
        self, monkeypatch, office, ice
    ):
        raw = make_email()
        first = ingest(raw)
        # The second delivery's lookup ran before the first committed: it finds nothing,
        # and only the unique constraint stops it.
        real_lookup = ingestion._original_of
        lookups = []

        def lookup_that_missed_once(parsed):
            lookups.append(parsed)
            return (None, None) if len(lookups) == 1 else real_lookup(parsed)

        monkeypatch.setattr(ingestion, "_original_of", lookup_that_missed_once)
        second = ingest(raw)
        assert (second.result, second.case) == ("duplicate", first.case)
        assert DisclosureRequest.objects.count() == 1
        # The rolled-back attempt gave its case number back.
        monkeypatch.setattr(ingestion, "_original_of", real_lookup)
        assert ingest(make_email()).case.endswith("000002")


class TestReplies:
    @pytest.fixture
    def first(self, office, ice):
        return ingest(make_email(subject="Records request", body="Address of M. Lopez."))

    def test_it_appends_a_reply_naming_the_case_in_the_subject(self, first):
        reply = make_email(
            subject=f"Re: [{first.case}] Records request",
            body="Here is the warrant.\n\nOn Monday, the DMV wrote:\n> quoted text",
            attachments=[("warrant.pdf", PDF)],
        )
        result = ingest(reply)
        assert (result.result, result.case, result.documents) == ("appended", first.case, 1)
        case = DisclosureRequest.objects.get(number=first.case)
        assert case.documents.count() == 1
        assert "Here is the warrant." in case.narrative
        assert "quoted text" not in case.narrative
        assert DisclosureRequest.objects.count() == 1

    def test_it_appends_a_reply_by_in_reply_to(self, first):
        result = ingest(make_email(subject="Re: x", headers=[("In-Reply-To", first.message_id)]))
        assert (result.result, result.case) == ("appended", first.case)

    def test_it_appends_a_reply_by_references(self, first):
        references = f"<unrelated@elsewhere.example> {first.message_id}"
        result = ingest(make_email(headers=[("References", references)]))
        assert (result.result, result.case) == ("appended", first.case)

    def test_it_creates_a_case_when_the_named_case_does_not_exist(self, first):
        result = ingest(make_email(subject="Re: [DR-1999-000042] old request"))
        assert result.result == "created"
        assert result.case != first.case

    def test_it_appends_from_an_unknown_sender_unverified(self, first):
        result = ingest(make_email(sender="x@unknown.example", subject=f"[{first.case}]"))
        assert (result.result, result.agency_kind, result.sender_verified) == (
            "appended",
            None,
            False,
        )

    def test_it_keeps_the_narrative_of_a_case_in_legal_review(self, first, clerk):
        case = DisclosureRequest.objects.get(number=first.case)
        case = case_services.case_update_intake(
            case=case, actor=clerk, categories=["license_record"]
        )
        case_services.callback_record(
            case=case,
            actor=clerk,
            answered_by="Duty officer",
            number_called="202-555-0100",
            called_at=timezone.now(),
            confirmed=True,
        )
        case_services.case_submit(case=case, actor=clerk)
        narrative = DisclosureRequest.objects.get(pk=case.pk).narrative
        result = ingest(
            make_email(subject=f"[{first.case}] more", attachments=[("order.pdf", PDF)])
        )
        case.refresh_from_db()
        assert (result.result, result.documents) == ("appended", 1)
        assert case.narrative == narrative
        assert case.documents.count() == 1
        assert case.inbound_messages.filter(result="appended").count() == 1

    def test_it_holds_documents_sent_to_a_closed_case(self, first, clerk):
        case = DisclosureRequest.objects.get(number=first.case)
        case_services.case_transition(case=case, action="withdraw", actor=clerk)
        words = ingest(make_email(subject=f"[{first.case}] thanks"))
        document = ingest(make_email(subject=f"[{first.case}]", attachments=[("o.pdf", PDF)]))
        assert (words.result, words.case) == ("appended", first.case)
        assert (document.result, document.case) == ("quarantined", None)
        assert document.reason.startswith(f"Intake could not add it to {first.case}: Documents")
        assert LegalDocument.objects.count() == 0


class TestAtomicity:
    def test_it_leaves_nothing_half_done_when_storage_fails(self, monkeypatch, office, ice):
        def failing_document_add(**kwargs):
            raise OSError("disk full")

        monkeypatch.setattr(filing, "document_add", failing_document_add)
        raw = make_email(attachments=[("warrant.pdf", PDF)])
        with pytest.raises(OSError, match="disk full"):
            ingest(raw)
        assert DisclosureRequest.objects.count() == 0
        assert InboundMessage.objects.count() == 0
        monkeypatch.setattr(filing, "document_add", case_services.document_add)
        retried = ingest(raw)
        assert (retried.result, retried.documents) == ("created", 1)
        assert retried.case.endswith("000001")

    def test_it_quarantines_a_message_a_case_service_refuses(self, monkeypatch, office, ice):
        def refusing_request_create(**kwargs):
            raise WorkflowError("The agency is not allowed to file requests.")

        monkeypatch.setattr(filing, "case_create", refusing_request_create)
        result = ingest(make_email())
        assert result.result == "quarantined"
        assert result.reason == (
            "Intake could not make it into a case: The agency is not allowed to file requests."
        )
        assert InboundMessage.objects.get().document_count == 0


def test_it_finds_an_agency_added_by_an_administrator(office):
    Agency.objects.create(
        name="Albany Police Department",
        slug="albany-police-department",
        kind="local_law_enforcement",
        email_domains="albanyny.gov",
    )
    result = ingest(make_email(sender="det@police.albanyny.gov"))
    assert (result.result, result.agency_kind, result.agency_label) == (
        "created",
        "local_law_enforcement",
        "Albany Police Department",
    )
