"""A newcomer's finding: a subject notice issued without the person's mailing address could not
be corrected ("already issued… Nothing new was issued", the typed address thrown away). A
notice now needs the address; one issued without it (earlier data) and not mailed is issued
again by counsel with the address, the new letter replacing the old one, which is kept, void.
Each as the user meets it on the page (the forms as rendered)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases.selectors import case_letter_facts
from dmvrequests.cases.timeline import case_timeline
from dmvrequests.correspondence import notices, services
from dmvrequests.correspondence.models import Language, Letter, LetterDispatch
from dmvrequests.correspondence.services import LetterError

pytestmark = pytest.mark.django_db

ADDRESS = "12 Elm Street\nTroy, NY 12180"


def letters_page(app, case, user):
    return app.get(reverse("correspondence:case_letters", args=[case.number]), user=user.username)


def notice_form(app, case, user, address, language="en"):
    form = letters_page(app, case, user).forms["issue-form"]
    form["issue-kind"] = "subject_notice"
    form["issue-language"] = language
    form["issue-subject_address"] = address
    return form


def legacy_notice(case, actor, language="en"):
    """A notice issued without an address, as the application allowed before (existing data)."""
    facts = case_letter_facts(case)
    letter = services._build(
        case,
        "subject_notice",
        Language.objects.get(code=language),
        services.template_for(case.office, "subject_notice", language),
        facts,
        actor,
        services._event_key(case, "subject_notice", language, facts),
    )
    letter.save()
    return letter


def field_error(page, name):
    return " ".join(page.html.find(id=f"{name}-error").text.split())


class TestTheAddressIsNeeded:
    def test_a_notice_without_an_address_is_refused_at_the_field(self, django_app, denied, counsel):
        page = notice_form(django_app, denied, counsel, "").submit(status=400)
        said = field_error(page, "issue-subject_address")
        assert "Enter the person's mailing address" in said
        assert "subject notice is mailed" in said
        assert "error-summary" in page.text
        form = page.forms["issue-form"]
        assert form["issue-kind"].value == "subject_notice"
        assert not Letter.objects.exists()

    def test_the_service_refuses_it_too(self, denied, clerk):
        with pytest.raises(LetterError, match="Enter the person's mailing address"):
            services.letter_issue(case=denied, kind="subject_notice", language="en", actor=clerk)
        assert not Letter.objects.exists()

    def test_an_address_typed_for_another_letter_is_not_dropped(self, django_app, denied, counsel):
        form = letters_page(django_app, denied, counsel).forms["issue-form"]
        form["issue-kind"] = "denial"
        form["issue-language"] = "en"
        form["issue-subject_address"] = ADDRESS
        page = form.submit(status=400)
        said = field_error(page, "issue-subject_address")
        assert "printed on the subject notice only" in said and "clear it" in said
        assert page.forms["issue-form"]["issue-subject_address"].value.strip() == ADDRESS
        assert not Letter.objects.exists()

    def test_the_browser_does_not_cut_a_long_address(self, django_app, denied, counsel):
        page = letters_page(django_app, denied, counsel)
        assert "maxlength" not in str(page.html.find(attrs={"name": "issue-subject_address"}))
        page = notice_form(django_app, denied, counsel, "x" * 520).submit(status=400)
        said = field_error(page, "issue-subject_address")
        assert "at most 500 characters; this one has 520" in said
        assert not Letter.objects.exists()


class TestCounselReissuesANoticeIssuedWithoutAnAddress:
    def test_the_new_letter_replaces_the_old_one_which_is_kept_void(
        self, django_app, denied, counsel
    ):
        old = legacy_notice(denied, counsel)
        page = notice_form(django_app, denied, counsel, ADDRESS).submit().follow()
        new = Letter.objects.exclude(pk=old.pk).get()
        assert new.replaces == old and new.recipient_address == ADDRESS
        assert Letter.objects.filter(pk=old.pk, recipient_address="").exists()  # kept as issued
        said = " ".join(page.text.split())
        assert "Nothing new was issued" not in said
        assert f"It replaces letter #{old.pk}" in said and "without an address" in said
        assert "marked void" in said
        assert "Troy, NY 12180" in page.html.find(class_="letter-sheet").text
        assert "mailed-form" in page.forms  # the new one is mailed
        assert page.html.find(id="letter-replaces") is not None
        # The old letter's page: void, which letter replaces it, and nothing to mail.
        void = django_app.get(
            reverse("correspondence:letter", args=[denied.number, old.pk]), user=counsel.username
        )
        alert = " ".join(void.html.find(id="letter-void").text.split())
        assert f"Void: replaced by letter #{new.pk}" in alert
        assert "without a mailing address" in alert and "do not mail it" in alert
        assert "mailed-form" not in void.forms
        # The case's letters and the case page say which is void.
        listing = " ".join(letters_page(django_app, denied, counsel).html.text.split())
        assert f"Void: replaced by letter #{new.pk}" in listing
        case_page = django_app.get(denied.get_absolute_url(), user=counsel.username)
        assert f"replaced by letter #{new.pk}" in " ".join(case_page.html.text.split())
        # The history: the replacement, naming the letter replaced.
        sentences = [e.sentence for e in case_timeline(denied, reads=False)]
        assert any(f"replacing letter #{old.pk}" in s for s in sentences)

    def test_the_notices_page_says_what_to_do_then_prints_the_new_letter(
        self, django_app, denied, counsel, clerk
    ):
        old = legacy_notice(denied, clerk)
        page = django_app.get(reverse("correspondence:notices_batch"), user=clerk.username)
        row = " ".join(page.html.find("tbody").text.split())
        assert "No address recorded: left out of the batch." in row
        assert "It was issued without one: counsel issue it again with the address" in row
        on = timezone.localdate() + timedelta(days=5)
        letters, left_out, _ = notices.notices_batch(actor=clerk, on=on, language="en")
        assert letters == [] and [why for _, why in left_out] == [notices.NO_ADDRESS]
        notice_form(django_app, denied, counsel, ADDRESS).submit().follow()
        page = django_app.get(reverse("correspondence:notices_batch"), user=clerk.username)
        assert "Troy, NY 12180" in page.text and "batch-form" in page.forms
        letters, left_out, _ = notices.notices_batch(actor=clerk, on=on, language="en")
        assert [x.replaces_id for x in letters] == [old.pk] and left_out == []

    def test_a_void_letter_cannot_be_marked_mailed(self, denied, counsel):
        old = legacy_notice(denied, counsel)
        services.letter_issue(
            case=denied,
            kind="subject_notice",
            language="en",
            actor=counsel,
            subject_address=ADDRESS,
            reissue=True,
        )
        with pytest.raises(LetterError, match="This letter is void"):
            services.letter_mark_mailed(letter=old, actor=counsel, mailed_on=timezone.localdate())
        assert not LetterDispatch.objects.exists()

    def test_the_same_address_again_issues_nothing_new_and_says_so(
        self, django_app, denied, counsel
    ):
        legacy_notice(denied, counsel)
        notice_form(django_app, denied, counsel, ADDRESS).submit().follow()
        page = notice_form(django_app, denied, counsel, ADDRESS).submit().follow()
        said = " ".join(page.text.split())
        assert "with the same mailing address; here it is. Nothing new was issued." in said
        assert Letter.objects.count() == 2


class TestWhenItIsNotReissued:
    def test_a_clerk_is_told_it_is_counsels_step_and_the_address_is_kept(
        self, django_app, denied, clerk
    ):
        legacy_notice(denied, clerk)
        page = notice_form(django_app, denied, clerk, ADDRESS).submit(status=400)
        said = field_error(page, "issue-subject_address")
        assert "without a mailing address" in said and "counsel's step" in said
        assert "ask the case's counsel to issue it again" in said
        assert "The address you typed was not used, and nothing new was issued." in said
        assert page.forms["issue-form"]["issue-subject_address"].value.strip() == ADDRESS
        assert Letter.objects.count() == 1

    def test_a_notice_mailed_is_not_replaced_and_the_page_says_why(
        self, django_app, denied, counsel
    ):
        old = legacy_notice(denied, counsel)
        services.letter_mark_mailed(letter=old, actor=counsel, mailed_on=timezone.localdate())
        page = notice_form(django_app, denied, counsel, ADDRESS).submit(status=400)
        said = field_error(page, "issue-subject_address")
        assert "recorded as mailed on" in said and "is not replaced" in said
        assert "The address you typed was not used" in said
        assert "address the envelope by hand" in said
        assert page.forms["issue-form"]["issue-subject_address"].value.strip() == ADDRESS
        assert Letter.objects.count() == 1
