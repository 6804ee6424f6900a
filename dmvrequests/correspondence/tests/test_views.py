"""The letter pages, used as they render (WebTest): issuing, reading, sending, templates."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import Action, AuditRecord
from dmvrequests.correspondence import pdf, services
from dmvrequests.correspondence.models import (
    TEMPLATE_BODY_MAX,
    Language,
    Letter,
    LetterDispatch,
    LetterTemplate,
)
from dmvrequests.correspondence.tests.helpers import document_text, letter_text, pdf_text
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.testing import UserFactory

pytestmark = pytest.mark.django_db


def letters_page(app, case, user):
    return app.get(reverse("correspondence:case_letters", args=[case.number]), user=user.username)


def issued(app, case, user, kind, language="en"):
    form = letters_page(app, case, user).forms["issue-form"]
    form["issue-kind"] = kind
    form["issue-language"] = language
    if kind == "subject_notice":
        form["issue-subject_address"] = "12 Elm Street\nTroy, NY 12180"
    return form.submit().follow()


def letter_reads(user):
    return AuditRecord.objects.filter(user=user, action=Action.VIEW_LETTER, outcome="success")


class TestIssuingAndReading:
    def test_counsel_issues_a_denial_and_its_reading_is_logged(
        self, django_app, denied, counsel, pdf_engine
    ):
        page = issued(django_app, denied, counsel, "denial")
        letter = Letter.objects.get(case=denied)
        assert "Denial letter" in page.text and "Your request is denied" in page.text
        assert letter_reads(counsel).filter(object_id=str(letter.pk)).count() == 1
        if pdf_engine == "missing":
            # The documented no-engine path: the letter is kept, the page says what to install.
            assert "Open the PDF" not in page.text
            assert "apt-get install libpango-1.0-0" in page.text
            assert denied.number in letter_text(letter)
            return
        response = page.click("Open the PDF")
        assert response.content_type == "application/pdf"
        assert (
            f'filename="{denied.number}-denial-en.pdf"' in response.headers["Content-Disposition"]
        )
        assert denied.number in pdf_text(response.body)
        assert letter_reads(counsel).count() == 2

    def test_the_case_page_lists_the_letter(self, django_app, denied, counsel):
        issued(django_app, denied, counsel, "denial")
        page = django_app.get(denied.get_absolute_url(), user=counsel.username)
        assert "Denial letter (English)" in page.text and "Not sent yet" in page.text

    def test_the_kinds_the_case_cannot_have_say_why(self, django_app, approved, clerk):
        page = letters_page(django_app, approved, clerk)
        assert "Only a case counsel denied has a denial letter." in page.text
        assert "an acknowledgment promises a decision still to come" in page.text
        kinds = [value for value, *_ in page.forms["issue-form"]["issue-kind"].options]
        assert kinds == ["release"]
        # The only letter the case can have is chosen already: "Issue the letter" issues it.
        assert page.forms["issue-form"]["issue-kind"].value == "release"

    def test_an_auditor_reads_but_is_offered_nothing_to_issue(
        self, django_app, denied, counsel, auditor
    ):
        letter = services.letter_issue(case=denied, kind="denial", language="en", actor=counsel)
        page = letters_page(django_app, denied, auditor)
        assert "issue-form" not in page.forms
        page = page.click("Denial letter")
        assert "mailed-form" not in page.forms and "email-form" not in page.forms
        assert letter_reads(auditor).get().object_id == str(letter.pk)

    def test_another_office_gets_404(self, django_app, denied, counsel, other_clerk):
        letter = services.letter_issue(case=denied, kind="denial", language="en", actor=counsel)
        url = reverse("correspondence:letter", args=[denied.number, letter.pk])
        assert django_app.get(url, user=other_clerk.username, status=404).status_code == 404

    def test_without_the_pdf_engine_the_page_says_what_to_install(
        self, django_app, denied, counsel, monkeypatch, settings
    ):
        settings.DMV_REQUIRE_PDF = False
        monkeypatch.setattr(pdf, "_weasyprint_error", lambda: "OSError: no libpango")
        page = issued(django_app, denied, counsel, "denial")
        assert "Open the PDF" not in page.text
        assert "apt-get install libpango-1.0-0" in page.text
        assert "Your request is denied" in page.text


class TestSending:
    def test_emailing_a_denial_puts_it_in_the_outbox_once(self, django_app, denied, counsel):
        page = issued(django_app, denied, counsel, "denial")
        page = page.forms["email-form"].submit().follow()
        outbound = OutboundEmail.objects.get()
        assert outbound.subject.startswith(f"[{denied.number}]")
        assert "email-form" not in page.forms

    def test_a_failed_send_shows_on_the_case(self, django_app, denied, counsel):
        issued(django_app, denied, counsel, "denial").forms["email-form"].submit()
        OutboundEmail.objects.update(
            failed_at=timezone.now(), last_error="SMTPRecipientsRefused: 550"
        )
        page = django_app.get(denied.get_absolute_url(), user=counsel.username)
        assert "could not be sent" in page.text
        letter_page = page.click("Denial letter")
        assert "SMTPRecipientsRefused: 550" in letter_page.text

    def test_marking_a_subject_notice_mailed_records_the_notice(self, django_app, denied, clerk):
        page = issued(django_app, denied, clerk, "subject_notice", language="es")
        assert "La ley nos obliga a informarle" in page.text
        form = page.forms["mailed-form"]
        form["mailed-mailed_on"] = timezone.localdate().isoformat()
        page = form.submit().follow()
        assert "The subject notice is recorded as sent" in page.text
        assert denied.notice.__class__.objects.get(case=denied).status == "sent"

    def test_a_future_mailing_date_is_refused_on_the_form(self, django_app, denied, clerk):
        form = issued(django_app, denied, clerk, "subject_notice").forms["mailed-form"]
        form["mailed-mailed_on"] = (timezone.localdate() + timedelta(days=3)).isoformat()
        page = form.submit(status=400)
        assert "The mailing date is in the future" in page.text
        assert not LetterDispatch.objects.exists()

    def test_the_days_notices_print_as_one_pdf(self, django_app, denied, clerk, pdf_engine):
        services.letter_issue(
            case=denied,
            kind="subject_notice",
            language="en",
            actor=clerk,
            subject_address="12 Elm Street\nTroy, NY 12180",
        )
        page = django_app.get(reverse("correspondence:notices_batch"), user=clerk.username)
        assert denied.number in page.text and "Troy, NY 12180" in page.text
        form = page.forms["batch-form"]
        form["batch-language"] = "es"
        response = form.submit()
        text = document_text(response)
        assert "Domicilio" in text and "12 Elm Street" in text
        assert "Avisos a la persona cuyos registros se pidieron, impresos el" in text
        assert "Subject notices" not in text
        if pdf_engine == "present":
            today = timezone.localdate()
            assert (
                f'filename="subject-notices-printed-{today:%Y-%m-%d}-es.pdf"'
                in (response.headers["Content-Disposition"])
            )
        assert letter_reads(clerk).count() == 1

    def test_a_notice_without_an_address_is_left_out_and_says_what_to_do(
        self, django_app, denied, clerk
    ):
        page = django_app.get(reverse("correspondence:notices_batch"), user=clerk.username)
        assert "No address recorded: left out of the batch." in page.text
        # Newcomer's finding (#14, 4): no button to print nothing; what to do instead.
        assert "Print the 0" not in page.text and "batch-form" not in page.forms
        said = page.html.find(id="batch-none").text
        assert "none of these notices has a mailing address" in said
        assert "issue the notice with the person's mailing address" in said
        assert not Letter.objects.exists()


class TestTemplatePages:
    def edit_page(self, app, office, administrator, kind="denial", language="en"):
        url = reverse("correspondence:template_edit", args=[office.pk, kind, language])
        return app.get(url, user=administrator.username)

    def test_unknown_placeholders_are_named_and_nothing_is_saved(
        self, django_app, office, administrator
    ):
        form = self.edit_page(django_app, office, administrator).forms["template-form"]
        form["template-body"] = "Dear {requestor}, case {case_number} {reason}."
        page = form.submit("save", status=400)
        assert "Unknown placeholders {requestor}, {reason}" in page.text
        assert not LetterTemplate.objects.exists()

    def test_preview_on_a_real_case_then_save_with_history(self, django_app, denied, administrator):
        form = self.edit_page(django_app, denied.office, administrator).forms["template-form"]
        form["template-body"] = "Case {case_number} is denied.\n\n{reasons}"
        form["template-preview_case"] = denied.number.lower()
        page = form.submit("preview")
        assert f"Case {denied.number} is denied." in page.text
        read = letter_reads(administrator).get()
        assert read.case_number == denied.number
        assert read.detail["preview"] == "Denial letter, English"
        page = page.forms["template-form"].submit("save").follow()
        assert "Template saved" in page.text
        assert LetterTemplate.objects.get().history.count() == 1
        assert "written by" in page.text

    def test_a_preview_on_a_case_of_the_wrong_kind_warns_in_words(
        self, django_app, approved, administrator
    ):
        form = self.edit_page(django_app, approved.office, administrator).forms["template-form"]
        form["template-preview_case"] = approved.number
        page = form.submit("preview")
        warning = " ".join(page.html.find(id="preview-warning").text.split())
        assert f"{approved.number} cannot have a denial letter now" in warning
        assert "Only a case counsel denied has a denial letter." in warning

    def test_a_preview_on_a_case_of_the_right_kind_has_no_warning(
        self, django_app, denied, administrator
    ):
        form = self.edit_page(django_app, denied.office, administrator).forms["template-form"]
        form["template-preview_case"] = denied.number
        page = form.submit("preview")
        assert page.html.find(id="preview-warning") is None
        assert "Your request is denied" in page.text

    def test_a_language_is_added_from_the_templates_page(self, django_app, administrator):
        page = django_app.get(reverse("correspondence:templates"), user=administrator.username)
        form = page.forms["language-form"]
        form["language-code"], form["language-name"] = "vi", "Tiếng Việt"
        page = form.submit().follow()
        assert "Tiếng Việt: no text yet, write it" in page.text


class TestInternalCopyNamesTheProfileReview:
    """The letter's page (the copy kept on the case) says whether counsel reviewed the
    profile its citations come from; the letter as sent does not."""

    def test_a_denial_says_its_profile_is_not_yet_reviewed(self, django_app, denied, counsel):
        page = issued(django_app, denied, counsel, "denial")
        section = page.html.find(id="letter-profile-heading").find_parent("section")
        text = " ".join(section.text.split())
        assert "Its citations come from New York (ny), version 1" in text
        assert "This profile is not yet reviewed by counsel." in text
        letter = Letter.objects.get(case=denied)
        assert "reviewed by counsel" not in letter.text
        assert "reviewed by counsel" not in letter.html

    def test_it_names_the_review_once_recorded(self, django_app, denied, counsel, administrator):
        from dmvrequests.policy.models import PolicyProfile
        from dmvrequests.policy.services import profile_record_review

        profile_record_review(
            profile=PolicyProfile.objects.get(slug="ny"),
            reviewer="Sam Park, Counsel",
            reviewed_on=timezone.localdate(),
            note="VTL 201 read.",
            confidence="confirmed",
            open_questions=[],
            actor=administrator,
        )
        page = issued(django_app, denied, counsel, "denial")
        section = page.html.find(id="letter-profile-heading").find_parent("section")
        assert "Reviewed by counsel: Sam Park, Counsel" in " ".join(section.text.split())


class TestLetterheadsAndLanguagesForAdministrators:
    """Administrators reach the letterheads and languages from the Administration index
    (the 403 a tester met), and a language added by mistake can be removed while unused."""

    def test_the_administration_index_lists_both_and_a_letterhead_is_saved(
        self, django_app, office, administrator
    ):
        index = django_app.get(reverse("admin:index"), user=administrator.username)
        assert "Office letterheads" in index.text
        assert "Languages" in index.text
        page = index.click("Office letterheads").click("Add office letterhead", index=0)
        form = page.forms["officeletterhead_form"]
        form["office"] = str(office.pk)
        form["address"] = "1 Legal Way\nAlbany, NY 12210"
        form["phone"] = "518-555-0100"
        form["signatory"] = "Legal Unit, Albany"
        form["legal_aid"] = "Legal Aid Society of Northeastern New York"
        form.submit().follow()
        letterhead = services.letterhead_for(office)
        assert "1 Legal Way" in letterhead.address
        assert letterhead.history.get().history_user == administrator

    def test_an_unused_language_is_deleted_a_used_one_is_not(
        self, django_app, office, administrator
    ):
        page = django_app.get(reverse("correspondence:templates"), user=administrator.username)
        form = page.forms["language-form"]
        form["language-code"], form["language-name"] = "vj", "Mistake"
        form.submit().follow()
        mistake = Language.objects.get(code="vj")
        page = django_app.get(
            reverse("admin:correspondence_language_delete", args=[mistake.pk]),
            user=administrator.username,
        )
        page.forms[1].submit().follow()
        assert not Language.objects.filter(code="vj").exists()
        spanish = Language.objects.get(code="es")
        services.template_save(
            office=office,
            kind="denial",
            language=spanish,
            subject="S",
            body="B",
            actor=administrator,
        )
        django_app.get(
            reverse("admin:correspondence_language_delete", args=[spanish.pk]),
            user=administrator.username,
            status=403,
        )


class TestLanguageCodeAndTemplateLength:
    def templates_page(self, app, administrator):
        return app.get(reverse("correspondence:templates"), user=administrator.username)

    @pytest.mark.parametrize("code", ["english", "e", "v1", "zh-tw"])
    def test_a_code_that_is_not_iso_639_is_refused(self, django_app, administrator, code):
        form = self.templates_page(django_app, administrator).forms["language-form"]
        form["language-code"], form["language-name"] = code, "X"
        page = form.submit(status=400)
        assert "two or three letter ISO 639 code" in page.text
        assert not Language.objects.filter(name="X").exists()

    def test_a_duplicate_code_is_refused(self, django_app, administrator):
        form = self.templates_page(django_app, administrator).forms["language-form"]
        form["language-code"], form["language-name"] = "ES", "Castellano"
        page = form.submit(status=400)
        assert "The language es is already there." in page.text
        assert Language.objects.get(code="es").name != "Castellano"

    def test_a_three_letter_code_is_accepted(self, django_app, administrator):
        form = self.templates_page(django_app, administrator).forms["language-form"]
        form["language-code"], form["language-name"] = "haw", "ʻŌlelo Hawaiʻi"
        form.submit().follow()
        assert Language.objects.filter(code="haw").exists()

    def test_a_template_body_over_the_limit_is_refused(self, django_app, office, administrator):
        url = reverse("correspondence:template_edit", args=[office.pk, "denial", "en"])
        form = django_app.get(url, user=administrator.username).forms["template-form"]
        form["template-body"] = "x" * (TEMPLATE_BODY_MAX + 1)
        page = form.submit("save", status=400)
        assert f"may have at most {TEMPLATE_BODY_MAX}. Shorten it" in page.text
        assert not LetterTemplate.objects.exists()


class TestSubjectNoticeAddress:
    """A subject notice is mailed: the address entered on the issue form is printed in its
    address block, on the page and in the PDF (the case holds no postal address)."""

    def test_the_issue_form_asks_for_the_address_and_the_notice_prints_it(
        self, django_app, denied, clerk, pdf_engine
    ):
        page = letters_page(django_app, denied, clerk)
        assert "enter the address the notice will be mailed to" in page.text
        form = page.forms["issue-form"]
        form["issue-kind"] = "subject_notice"
        form["issue-language"] = "en"
        form["issue-subject_address"] = "  12 Elm Street,  Apt 3\n\nTroy, NY 12180 "
        page = form.submit().follow()
        letter = Letter.objects.get(kind="subject_notice")
        assert letter.recipient_address == "12 Elm Street, Apt 3\nTroy, NY 12180"
        assert "María Gutiérrez López\n12 Elm Street, Apt 3\nTroy, NY 12180\n" in letter.text
        assert "Troy, NY 12180" in page.text
        assert "Troy, NY 12180" in letter_text(letter)

    def test_a_letter_to_the_agency_has_no_address_field(self, django_app, approved, clerk):
        assert (
            "issue-subject_address"
            not in letters_page(django_app, approved, clerk).forms["issue-form"].fields
        )


class TestMessagesSayWhatHappened:
    def test_issuing_again_says_the_letter_was_already_issued(self, django_app, denied, counsel):
        issued(django_app, denied, counsel, "denial")
        page = issued(django_app, denied, counsel, "denial")
        assert "was already issued on" in page.text
        assert "here it is. Nothing new was issued." in page.text
        assert Letter.objects.count() == 1

    def test_a_second_notice_mailed_says_the_first_is_the_one_recorded(
        self, django_app, denied, clerk
    ):
        today = timezone.localdate().isoformat()
        form = issued(django_app, denied, clerk, "subject_notice").forms["mailed-form"]
        form["mailed-mailed_on"] = today
        first = form.submit().follow()
        assert "The subject notice is recorded as sent, with this letter." in first.text
        form = issued(django_app, denied, clerk, "subject_notice", "es").forms["mailed-form"]
        form["mailed-mailed_on"] = today
        page = form.submit().follow()
        english = Letter.objects.get(language="en")
        assert "recorded as sent, with this letter" not in page.text
        assert "was already recorded as sent on" in page.text
        assert f"letter #{english.pk}" in page.text


class TestTemplateHistoryRestore:
    def test_an_earlier_version_is_restored_as_a_new_version(
        self, django_app, office, administrator
    ):
        url = reverse("correspondence:template_edit", args=[office.pk, "denial", "en"])
        for text in ("First text {case_number}.", "Second text {case_number}."):
            form = django_app.get(url, user=administrator.username).forms["template-form"]
            form["template-body"] = text
            form.submit("save").follow()
        page = django_app.get(url, user=administrator.username)
        assert "Version 2" in page.text and "Version 1" in page.text
        page = page.forms["restore-1"].submit("restore").follow()
        assert "Version 1 restored as version 3" in page.text
        template = LetterTemplate.objects.get()
        assert template.body == "First text {case_number}."
        assert template.history.count() == 3
        assert "Version 3" in page.text


class TestLanguagesOffered:
    def test_a_language_without_text_is_not_offered(self, django_app, denied, counsel):
        services.language_add(
            code="vi", name="Tiếng Việt", actor=UserFactory(role="Administrator", office=None)
        )
        options = letters_page(django_app, denied, counsel).forms["issue-form"]["issue-language"]
        offered = [value for value, _, _ in options.options]
        assert offered == ["en", "es"]


class TestCaseNoticeLine:
    def test_one_date_format_and_the_clerk_who_recorded_it(self, django_app, denied, clerk):
        import re

        clerk.first_name, clerk.last_name = "Maria", "Lopez"
        clerk.save()
        letter = services.letter_issue(
            case=denied,
            kind="subject_notice",
            language="en",
            actor=clerk,
            subject_address="12 Elm Street\nTroy, NY 12180",
        )
        form = django_app.get(
            reverse("correspondence:letter", args=[denied.number, letter.pk]), user=clerk.username
        ).forms["mailed-form"]
        form["mailed-mailed_on"] = timezone.localdate().isoformat()
        form.submit().follow()
        page = django_app.get(denied.get_absolute_url(), user=clerk.username)
        line = " ".join(page.html.find(id="notice-line").text.split())
        today = timezone.localdate()
        assert f"sent {today:%b} {today.day}, {today:%Y} (mailed, letter #{letter.pk}" in line
        assert line.endswith("recorded by Maria Lopez")
        assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}", line)


class TestTemplatesBelongToTheirOffice:
    """An administrator changes their own office's templates; the shipped defaults are
    never changed (saving writes the office's copy)."""

    @pytest.fixture
    def other_administrator(self, other_office):
        return UserFactory(
            username="admin2", office=other_office, role="Administrator", is_staff=True
        )

    def url(self, office):
        return reverse("correspondence:template_edit", args=[office.pk, "denial", "en"])

    def test_another_offices_administrator_gets_404_and_no_row(
        self, django_app, office, other_administrator
    ):
        django_app.get(self.url(office), user=other_administrator.username, status=404)
        page = django_app.get(
            reverse("correspondence:templates"), user=other_administrator.username
        )
        assert "Albany legal unit" not in page.text and "Buffalo legal unit" in page.text

    def test_a_post_to_another_offices_template_saves_nothing(
        self, django_app, office, administrator, other_administrator
    ):
        form = django_app.get(self.url(office), user=administrator.username).forms["template-form"]
        form["template-body"] = "Case {case_number}."
        django_app.set_user(other_administrator.username)
        form.submit("save", status=404)
        assert not LetterTemplate.objects.exists()

    def test_the_service_refuses_another_office(self, office, other_administrator):
        with pytest.raises(services.LetterError, match="Only Albany legal unit's administrators"):
            services.template_save(
                office=office,
                kind="denial",
                language=Language.objects.get(code="en"),
                subject="S",
                body="B",
                actor=other_administrator,
            )
        assert not LetterTemplate.objects.exists()

    def test_saving_a_default_writes_the_offices_copy_only(
        self, django_app, office, other_office, administrator
    ):
        form = django_app.get(self.url(office), user=administrator.username).forms["template-form"]
        form["template-body"] = "Our own words for {case_number}."
        form.submit("save").follow()
        assert list(LetterTemplate.objects.values_list("office", flat=True)) == [office.pk]
        assert services.template_for(other_office, "denial", "en")[2] == "Shipped default"

    @pytest.mark.parametrize("who", ["clerk", "counsel", "auditor"])
    def test_other_roles_are_refused(self, django_app, request, office, who):
        user = request.getfixturevalue(who)
        django_app.get(self.url(office), user=user.username, status=403)

    def test_anonymous_is_sent_to_sign_in(self, django_app, office):
        response = django_app.get(self.url(office), status=302)
        assert "/accounts/sign-in/" in response.headers["Location"]

    def test_an_administrator_of_no_office_is_told_so(self, django_app):
        nobody = UserFactory(username="admin0", office=None, role="Administrator")
        page = django_app.get(reverse("correspondence:templates"), user=nobody.username)
        assert "You belong to no office" in page.text


class TestLetterheadPage:
    """Administrators add and change their own office's letterhead in the app, with history."""

    url = staticmethod(lambda: reverse("correspondence:letterhead"))

    def test_add_then_change_with_history_and_the_letter_prints_it(
        self, django_app, office, administrator, denied, counsel
    ):
        page = django_app.get(self.url(), user=administrator.username)
        assert "Letterhead of Albany legal unit" in page.text
        form = page.forms["letterhead-form"]
        form["letterhead-address"] = "1 Legal Way\nAlbany, NY 12210"
        form["letterhead-signatory"] = "Legal Unit, Albany"
        page = form.submit().follow()
        assert "letterhead saved" in page.text
        form = page.forms["letterhead-form"]
        assert form["letterhead-address"].value.startswith("1 Legal Way")
        form["letterhead-phone"] = "518-555-0100"
        page = form.submit().follow()
        letterhead = services.letterhead_for(office)
        assert letterhead.phone == "518-555-0100"
        assert letterhead.history.count() == 2
        assert page.html.find(id="letterhead-history") is not None
        letter = services.letter_issue(case=denied, kind="denial", language="en", actor=counsel)
        assert "1 Legal Way" in letter.text and "518-555-0100" in letter.text

    def test_a_bad_email_is_marked_and_nothing_saved(self, django_app, administrator):
        form = django_app.get(self.url(), user=administrator.username).forms["letterhead-form"]
        form["letterhead-address"] = "1 Legal Way"
        form["letterhead-email"] = "not an email"
        page = form.submit(status=400)
        assert "Enter a valid email address." in page.text
        assert page.forms["letterhead-form"]["letterhead-address"].value == "1 Legal Way"
        assert not services.OfficeLetterhead.objects.exists()

    @pytest.mark.parametrize("who", ["clerk", "counsel", "auditor"])
    def test_other_roles_are_refused(self, django_app, request, who):
        user = request.getfixturevalue(who)
        django_app.get(self.url(), user=user.username, status=403)

    def test_anonymous_is_sent_to_sign_in(self, django_app):
        assert "/accounts/sign-in/" in django_app.get(self.url(), status=302).headers["Location"]

    def test_another_offices_administrator_changes_only_their_own(
        self, django_app, office, other_office, administrator
    ):
        services.letterhead_save(office=office, actor=administrator, address="1 Legal Way")
        other = UserFactory(username="admin2", office=other_office, role="Administrator")
        page = django_app.get(self.url(), user=other.username)
        assert "Letterhead of Buffalo legal unit" in page.text and "1 Legal Way" not in page.text
        with pytest.raises(services.LetterError, match="Only Albany legal unit's administrators"):
            services.letterhead_save(office=office, actor=other, address="Elsewhere")
        assert services.letterhead_for(office).address == "1 Legal Way"

    def test_an_administrator_of_no_office_is_told_so(self, django_app):
        nobody = UserFactory(username="admin0", office=None, role="Administrator")
        page = django_app.get(self.url(), user=nobody.username)
        assert "You belong to no office" in page.text and "letterhead-form" not in page.forms
