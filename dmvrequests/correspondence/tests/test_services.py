"""Letters issued from the case and its evaluation, kept unchanged, sent at most once."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dmvrequests.cases import services as case_services
from dmvrequests.cases.models import Decision, NoticeStatus, SubjectNotice
from dmvrequests.cases.timeline import case_timeline
from dmvrequests.correspondence import notices, pdf, services
from dmvrequests.correspondence.compose import _decision_words
from dmvrequests.correspondence.models import Language, Letter, LetterDispatch
from dmvrequests.correspondence.services import LetterError
from dmvrequests.correspondence.tests.helpers import letter_text, pdf_text, refreshed
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db

CITATION = "N.Y. VTL 201(12)(a)"


ADDRESS = "12 Elm Street\nTroy, NY 12180"


def issue(case, kind, actor, language="en"):
    """A letter issued as the form does: a subject notice with the person's address."""
    address = ADDRESS if kind == "subject_notice" else ""
    return services.letter_issue(
        case=case, kind=kind, language=language, actor=actor, subject_address=address
    )


class TestDenial:
    def test_each_reason_in_words_with_its_citation_and_the_process_needed(self, denied, counsel):
        letter = issue(denied, "denial", counsel)
        assert denied.number in letter.text
        assert "Administrative (non-judicial) document: An ICE Form I-200" in letter.text
        assert f"signed by an Article III judge. ({CITATION})" in letter.text
        assert "What legal process would be needed: a judicial warrant or court order" in (
            letter.text
        )
        assert "- Address\n- Photo" in letter.text
        assert letter.recipient == "Officer Reyes, ICE ERO New York"
        assert letter.recipient_email == "reyes@ice.example.gov"

    def test_the_pdf_holds_the_case_number_citations_and_categories(
        self, denied, counsel, pdf_engine
    ):
        letter = issue(denied, "denial", counsel)
        text = letter_text(letter)
        for expected in (denied.number, CITATION, "Address", "Photo", "Your request is denied"):
            assert expected in text
        assert len(letter.text_sha256) == 64

    def test_in_spanish_each_reason_in_spanish_words_with_its_citation(
        self, denied, counsel, pdf_engine
    ):
        letter = issue(denied, "denial", counsel, language="es")
        assert "Su solicitud ha sido denegada." in letter.text
        assert f"- El proceso legal presentado no es suficiente ({CITATION})" in letter.text
        assert "- Documento administrativo, no firmado por un juez: An ICE Form I-200" in (
            letter.text
        )
        assert "Domicilio" in letter_text(letter)

    def test_issuing_again_gives_the_letter_already_issued(self, denied, counsel, clerk):
        first = issue(denied, "denial", counsel)
        assert issue(denied, "denial", clerk).pk == first.pk
        assert Letter.objects.filter(case=denied).count() == 1

    def test_a_case_not_denied_has_no_denial_letter(self, approved, counsel):
        with pytest.raises(LetterError, match="Only a case counsel denied"):
            issue(approved, "denial", counsel)

    def test_another_office_cannot_issue(self, denied, other_clerk):
        with pytest.raises(LetterError, match="another office"):
            issue(denied, "denial", other_clerk)


class TestOtherKinds:
    def test_the_release_letter_says_what_was_withheld_and_why(
        self, approved, counsel, clerk, pdf_engine
    ):
        letter = issue(approved, "release", counsel)
        assert "Released:\n- License record\n" in letter.text
        assert "- Address: not approved by counsel" in letter.text
        text = letter_text(letter)
        assert approved.number in text and "License record" in text

    def test_the_request_for_information_is_tied_to_the_open_question(
        self, office, clerk, counsel, pdf_engine
    ):
        case = make_case(office=office, actor=clerk)
        case_services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        with pytest.raises(LetterError, match="no open question"):
            issue(refreshed(case), "info_request", counsel)
        case_services.info_request(
            case=refreshed(case), actor=counsel, question="A copy of the court order, signed."
        )
        letter = issue(refreshed(case), "info_request", counsel)
        assert "A copy of the court order, signed." in letter.text
        assert letter.info_request.question == "A copy of the court order, signed."
        assert case.number in letter_text(letter)

    def test_the_acknowledgment_tells_how_to_send_legal_process(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        letter = issue(case, "acknowledgment", clerk)
        assert f"[{case.number}]" in letter.text
        assert "How to send legal process" in letter.text
        assert "We will write to you with the decision." in letter.text

    def test_after_the_decision_no_acknowledgment_promises_one(self, approved, denied, clerk):
        with pytest.raises(LetterError, match="send the release letter instead"):
            issue(approved, "acknowledgment", clerk)
        with pytest.raises(LetterError, match="send the denial letter instead"):
            issue(denied, "acknowledgment", clerk)
        assert not Letter.objects.exists()


class TestSubjectNotice:
    def test_in_spanish_with_the_categories_in_spanish(self, denied, clerk, pdf_engine):
        letter = issue(denied, "subject_notice", clerk, language="es")
        assert letter.notice == SubjectNotice.objects.get(case=denied)
        assert "La ley nos obliga a informarle" in letter.text
        assert "- Domicilio\n- Fotografía" in letter.text
        assert "Hasta la fecha de esta carta no se ha entregado nada." in letter.text
        assert f"({CITATION})" in letter.text
        text = letter_text(letter)
        for expected in (denied.number, CITATION, "Domicilio", "Fotografía", "Gutiérrez"):
            assert expected in text

    def test_a_case_without_a_notice_has_none(self, approved, clerk):
        with pytest.raises(LetterError, match="requires no notice"):
            issue(approved, "subject_notice", clerk)

    def test_marked_mailed_records_the_notice_sent_naming_the_letter(self, denied, clerk):
        letter = issue(denied, "subject_notice", clerk, language="es")
        services.letter_mark_mailed(letter=letter, actor=clerk, mailed_on=timezone.localdate())
        notice = SubjectNotice.objects.get(case=denied)
        assert notice.status == NoticeStatus.SENT
        assert f"letter #{letter.pk}" in notice.method
        with pytest.raises(LetterError, match="already recorded as mailed"):
            services.letter_mark_mailed(letter=letter, actor=clerk, mailed_on=timezone.localdate())

    def test_a_mailing_date_in_the_future_is_refused(self, denied, clerk):
        letter = issue(denied, "subject_notice", clerk)
        with pytest.raises(LetterError, match="in the future"):
            services.letter_mark_mailed(
                letter=letter, actor=clerk, mailed_on=timezone.localdate() + timedelta(days=1)
            )
        assert not LetterDispatch.objects.exists()

    def test_the_days_batch_prints_each_notice_with_its_mailing_address(
        self, denied, clerk, pdf_engine
    ):
        on = timezone.localdate() + timedelta(days=5)
        letters, left_out, document = notices.notices_batch(actor=clerk, on=on, language="es")
        assert letters == [] and document == b""
        assert [(n.case_id, why) for n, why in left_out] == [(denied.pk, notices.NO_ADDRESS)]
        services.letter_issue(
            case=denied,
            kind="subject_notice",
            language="en",
            actor=clerk,
            subject_address="12 Elm Street\nTroy, NY 12180",
        )
        letters, left_out, document = notices.notices_batch(actor=clerk, on=on, language="es")
        assert [x.case_id for x in letters] == [denied.pk] and left_out == []
        assert letters[0].language == "es"
        assert letters[0].recipient_address == "12 Elm Street\nTroy, NY 12180"
        text = letter_text(letters[0]) if not document else pdf_text(document)
        assert denied.number in text and "Troy, NY 12180" in text


class TestSubjectNoticeStatesOnlyRecordedReleases:
    """A notice is due within days of receipt whatever the decision (the profile's notice
    rule): it is issued on time and says only what the clerk recorded as released."""

    def test_approved_but_not_released_says_nothing_released_yet(self, approved_ice, clerk):
        letter = issue(approved_ice, "subject_notice", clerk)
        assert "What we released:\nNothing has been released as of the date" in letter.text
        assert "Our decision: Approved." in letter.text

    def test_an_approval_in_part_is_said_to_be_in_part(self):
        # Decisions are never rewritten (a PostgreSQL trigger): the words are checked on one
        # as counsel records it, in both languages of the notice.
        partial = Decision(outcome="approved", reason="approved_partial")
        assert _decision_words(partial, "en") == "Approved in part"
        assert _decision_words(partial, "es") == "Aprobada en parte"
        full = Decision(outcome="approved", reason="approved_full")
        assert _decision_words(full, "en") == "Approved"

    def test_after_the_release_is_recorded_a_new_notice_states_it(self, approved_ice, clerk):
        first = issue(approved_ice, "subject_notice", clerk)
        case_services.release_record(
            case=approved_ice,
            actor=clerk,
            categories=["address"],
            recipient="Agent Diaz",
            method="secure_email",
            released_at=timezone.now(),
        )
        second = issue(refreshed(approved_ice), "subject_notice", clerk)
        assert second.pk != first.pk
        assert "What we released:\n- Address\n" in second.text


class TestEmail:
    def test_sent_once_through_the_outbox_with_the_case_number_in_brackets(
        self, denied, counsel, django_capture_on_commit_callbacks
    ):
        letter = issue(denied, "denial", counsel)
        with django_capture_on_commit_callbacks(execute=True):
            dispatch = services.letter_email(letter=letter, actor=counsel)
        assert dispatch.outbound.subject.startswith(f"[{denied.number}] ")
        assert [m.subject for m in mail.outbox] == [dispatch.outbound.subject]
        assert "Your request is denied" in mail.outbox[0].body
        with pytest.raises(LetterError, match="not sent twice"):
            services.letter_email(letter=letter, actor=counsel)
        assert OutboundEmail.objects.count() == 1

    def test_the_stored_pdf_is_attached_with_the_case_number_and_kind(
        self, denied, counsel, django_capture_on_commit_callbacks, pdf_engine
    ):
        letter = issue(denied, "denial", counsel)
        with django_capture_on_commit_callbacks(execute=True):
            services.letter_email(letter=letter, actor=counsel)
        (message,) = mail.outbox
        stored = bytes(Letter.objects.get(pk=letter.pk).pdf)
        if pdf_engine == "missing":
            # No PDF was made (the letter's page says what to install): the text is emailed.
            assert stored == b"" and message.attachments == []
            assert "Your request is denied" in message.body
            return
        assert message.attachments == [
            (f"{denied.number}-denial-en.pdf", stored, "application/pdf")
        ]

    def test_the_database_refuses_a_second_email_of_the_same_letter(self, denied, counsel):
        letter = issue(denied, "denial", counsel)
        services.letter_email(letter=letter, actor=counsel)
        with pytest.raises(IntegrityError), transaction.atomic():
            LetterDispatch.objects.create(letter=letter, method="email", recorded_by=counsel)

    def test_a_subject_notice_is_not_emailed(self, denied, clerk):
        letter = issue(denied, "subject_notice", clerk)
        with pytest.raises(LetterError, match="printed and mailed"):
            services.letter_email(letter=letter, actor=clerk)


class TestKeptOnTheCase:
    def test_the_timeline_lists_issuing_and_sending(self, denied, counsel, clerk):
        letter = issue(denied, "denial", counsel)
        services.letter_mark_mailed(letter=letter, actor=clerk, mailed_on=timezone.localdate())
        sentences = [e.sentence for e in case_timeline(denied, kinds=["letter"])]
        assert sentences == [
            f"{counsel} issued the denial letter (English)",
            f"{clerk} recorded the denial letter (English) as printed and mailed on "
            f"{timezone.localdate():%b} {timezone.localdate().day}, {timezone.localdate().year}",
        ]

    @pytest.mark.postgres
    def test_postgresql_refuses_to_change_or_delete_an_issued_letter(self, denied, counsel):
        letter = issue(denied, "denial", counsel)
        for statement in (
            "UPDATE correspondence_letter SET text = 'forged' WHERE id = %s",
            "DELETE FROM correspondence_letter WHERE id = %s",
        ):
            with (
                pytest.raises(Exception, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement, [letter.pk])
        assert Letter.objects.get(pk=letter.pk).text == letter.text


class TestWithoutThePdfEngine:
    def test_the_letter_is_issued_without_a_pdf_and_says_why(
        self, denied, counsel, monkeypatch, settings
    ):
        settings.DMV_REQUIRE_PDF = False
        monkeypatch.setattr(pdf, "_weasyprint_error", lambda: "OSError: no libpango")
        letter = issue(denied, "denial", counsel)
        assert letter.pdf == b"" and letter.pdf_sha256 == ""
        assert "apt-get install" in pdf.unavailable()

    def test_with_dmv_require_pdf_a_missing_engine_is_an_error(
        self, denied, counsel, monkeypatch, settings
    ):
        settings.DMV_REQUIRE_PDF = True
        monkeypatch.setattr(pdf, "_weasyprint_error", lambda: "OSError: no libpango")
        with pytest.raises(Exception, match="DMV_REQUIRE_PDF"):
            issue(denied, "denial", counsel)
        assert not Letter.objects.exists()


class TestTemplates:
    def test_an_office_template_replaces_the_default_and_keeps_its_history(
        self, denied, counsel, administrator
    ):
        english = Language.objects.get(code="en")
        for body in ("Case {case_number} denied.", "Case {case_number}: denied.\n\n{reasons}"):
            services.template_save(
                office=denied.office,
                kind="denial",
                language=english,
                subject="Denied: {case_number}",
                body=body,
                actor=administrator,
            )
        letter = issue(denied, "denial", counsel)
        assert letter.subject == f"Denied: {denied.number}"
        assert f"Case {denied.number}: denied." in letter.text
        assert letter.template_source == "Office template, version 2"

    def test_unknown_placeholders_are_named(self, office, administrator):
        with pytest.raises(LetterError, match=r"\{case_numbr\}, \{agncy\}"):
            services.template_save(
                office=office,
                kind="denial",
                language=Language.objects.get(code="en"),
                subject="{case_numbr}",
                body="{agncy} {case_number}",
                actor=administrator,
            )

    def test_a_language_added_needs_its_text_before_a_letter(self, denied, administrator, clerk):
        services.language_add(code="vi", name="Tiếng Việt", actor=administrator)
        with pytest.raises(LetterError, match="no text for this letter in that language"):
            issue(denied, "subject_notice", clerk, language="vi")
        services.template_save(
            office=denied.office,
            kind="subject_notice",
            language=Language.objects.get(code="vi"),
            subject="Thông báo {case_number}",
            body="Thông báo: {agency} {categories_asked}",
            actor=administrator,
        )
        assert "Thông báo: ICE ERO New York" in issue(denied, "subject_notice", clerk, "vi").text


def test_demo_letterheads_are_written_once_and_printed(denied, clerk):
    from django.core.management import call_command

    call_command("seed_letterheads", stdout=io.StringIO())
    call_command("seed_letterheads", stdout=io.StringIO())
    letter = issue(denied, "subject_notice", clerk, language="es")
    assert "- Legal Aid Society of Northeastern New York" in letter.text
    assert "Legal Unit, Albany legal unit" in letter.text
    assert "Albany, NY 12228" in letter.text


def test_each_demo_office_has_its_own_address(office, other_office):
    """Newcomer's finding (#17, 7): Buffalo's demo letterhead had Albany's address."""
    from django.core.management import call_command

    from dmvrequests.correspondence.models import OfficeLetterhead

    call_command("seed_letterheads", stdout=io.StringIO())
    buffalo = OfficeLetterhead.objects.get(office=other_office)
    assert buffalo.address.endswith("Buffalo, NY 14202") and "Albany" not in buffalo.address
    assert buffalo.phone.startswith("(716)")
    assert OfficeLetterhead.objects.get(office=office).address.endswith("Albany, NY 12228")


def test_a_case_not_yet_submitted_says_why_it_has_no_subject_notice(office, clerk):
    """Newcomer finding: a case opened after the fact (never submitted) showed the policy
    panel's "Subject notice required" while the letters page said the profile required none."""
    from dmvrequests.cases.selectors import case_letter_facts
    from dmvrequests.correspondence.models import LetterKind

    case = make_case(office=office, actor=clerk)
    why = services.kind_refusal(LetterKind.SUBJECT_NOTICE, case_letter_facts(case))
    assert why.startswith("The case is not yet submitted for legal review")


def test_a_case_opened_after_the_fact_has_no_acknowledgment(office, clerk):
    """Trial finding: a case opened for a staff email found in the mail journal offered an
    acknowledgment of receipt to an agency that had asked the legal unit nothing."""
    from dmvrequests.cases.models import Channel
    from dmvrequests.cases.selectors import case_letter_facts
    from dmvrequests.correspondence.models import LetterKind

    case = make_case(office=office, actor=clerk, channel=Channel.OUTBOUND_UNRECORDED)
    why = services.kind_refusal(LetterKind.ACKNOWLEDGMENT, case_letter_facts(case))
    assert why.startswith("This case was opened after the fact")
    email_case = make_case(office=office, actor=clerk)
    assert services.kind_refusal(LetterKind.ACKNOWLEDGMENT, case_letter_facts(email_case)) == ""
