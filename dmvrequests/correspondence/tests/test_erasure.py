"""Issued letters follow their case's retention and redaction (correspondence/erasure.py):
erased or redacted through oversight's sanctioned path, each leaving a tombstone and an audit
record; on PostgreSQL the append-only trigger still refuses every other change."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import AuditRecord, Kind
from dmvrequests.cases.models import DisclosureRequest, Status
from dmvrequests.cases.timeline import case_timeline
from dmvrequests.correspondence import services
from dmvrequests.correspondence.erasure import ERASED, erased_sha256
from dmvrequests.correspondence.models import Letter, LetterDispatch, LetterErasure
from dmvrequests.correspondence.tests.helpers import pdf_text
from dmvrequests.oversight.erasure import redaction_apply, retention_apply, retention_plan

pytestmark = pytest.mark.django_db

NAME = "María Gutiérrez López"
ADDRESS = "12 Elm Street\nAlbany, NY 12207"


def close_long_ago(case, years=8):
    DisclosureRequest.objects.filter(pk=case.pk).update(
        status=Status.CLOSED, closed_at=timezone.now() - timedelta(days=365 * years + 2)
    )


@pytest.fixture
def letters(denied, counsel, clerk):
    denial = services.letter_issue(case=denied, kind="denial", language="en", actor=counsel)
    notice = services.letter_issue(
        case=denied, kind="subject_notice", language="es", actor=clerk, subject_address=ADDRESS
    )
    services.letter_mark_mailed(letter=notice, actor=clerk, mailed_on=timezone.localdate())
    return Letter.objects.get(pk=denial.pk), Letter.objects.get(pk=notice.pk)


def personal_values(letter):
    return [letter.subject, letter.recipient, letter.recipient_address, letter.text, letter.html]


class TestRetention:
    def test_the_letters_of_a_case_past_retention_are_erased_leaving_a_tombstone(
        self, denied, letters
    ):
        close_long_ago(denied)
        issued = {letter.pk: letter for letter in letters}
        assert NAME in letters[1].text and NAME in letters[1].recipient
        [item] = retention_apply(years=7, source="command")
        assert item.number == denied.number and item.held_by == ("letters",)
        for letter in Letter.objects.filter(case=denied):
            before = issued[letter.pk]
            assert not any(NAME in value for value in personal_values(letter))
            assert letter.erased_at is not None and letter.pdf in (b"", memoryview(b""))
            assert "was erased on" in letter.text and "retention" in letter.text
            assert (letter.text_sha256, letter.pdf_sha256, letter.kind, letter.issued_at) == (
                before.text_sha256,
                before.pdf_sha256,
                before.kind,
                before.issued_at,
            )
            [tombstone] = letter.erasures.all()
            assert (tombstone.kind, tombstone.erased_by) == ("retention", None)
            assert "kept 7 years after the case ended" in tombstone.rule
            removed = {name: str(getattr(before, name)) for name in tombstone.fields}
            removed["pdf"] = hashlib.sha256(bytes(before.pdf)).hexdigest()
            assert tombstone.erased_sha256 == erased_sha256(removed)
        notice = Letter.objects.get(pk=letters[1].pk)
        assert (notice.recipient, notice.recipient_address) == (ERASED, "")
        assert set(
            LetterDispatch.objects.filter(letter=notice).values_list("address", flat=True)
        ) == {ERASED}
        record = AuditRecord.objects.filter(kind=Kind.RETENTION, case_number=denied.number).get()
        assert record.detail["also_erased"] == {"letters": {"letters": 2}}
        assert NAME not in str(record.detail)
        sentences = [e.sentence for e in case_timeline(denied, kinds=["retention"])]
        assert any(s.endswith("and erased 2 letters") for s in sentences), sentences

    def test_letters_kept_after_the_case_was_cleared_are_still_found_once(self, denied, letters):
        close_long_ago(denied)
        retention_apply(years=7, source="command")
        assert list(retention_plan(years=7)) == []
        assert retention_apply(years=7, source="command") == []
        assert LetterErasure.objects.count() == 2

    def test_a_case_within_its_period_keeps_its_letters(self, denied, letters):
        close_long_ago(denied, years=2)
        assert retention_apply(years=7, source="command") == []
        assert Letter.objects.filter(case=denied, erased_at=None).count() == 2
        assert NAME in Letter.objects.get(pk=letters[1].pk).text
        assert not LetterErasure.objects.exists()

    def test_an_erased_letter_is_not_sent_and_its_page_shows_the_tombstone(
        self, django_app, denied, letters, counsel
    ):
        close_long_ago(denied)
        retention_apply(years=7, source="command")
        denial = Letter.objects.get(pk=letters[0].pk)
        with pytest.raises(services.LetterError, match="erased"):
            services.letter_email(letter=denial, actor=counsel)
        url = reverse("correspondence:letter", args=[denied.number, denial.pk])
        page = django_app.get(url, user=counsel)
        alert = page.html.select_one(".usa-alert--info").get_text(" ", strip=True)
        assert alert.startswith("Erased at the end of the retention period on")
        assert "by the scheduled retention run" in alert
        # The denial went to the agency: its officer's name stays; the rest is listed.
        assert (
            "Removed: the mailing address, the subject line, the text, the web copy (HTML), "
            "the PDF." in alert
        )
        assert "email-form" not in page.forms and "mailed-form" not in page.forms
        pdf_page = django_app.get(
            reverse("correspondence:letter_pdf", args=[denied.number, denial.pk]), user=counsel
        ).follow()
        assert "erased at the end of the case's retention period" in pdf_page.html.get_text()


class TestRedaction:
    def test_a_redaction_of_the_case_reaches_the_letters_that_hold_the_text(
        self, denied, letters, counsel
    ):
        denial, notice = letters
        assert NAME not in denial.text  # the agency's letter does not name the person
        redaction_apply(
            case=denied,
            field="subject_name",
            text=NAME,
            reason="Entered on the wrong case",
            actor=counsel,
        )
        notice = Letter.objects.get(pk=notice.pk)
        assert not any(NAME in value for value in personal_values(notice))
        assert "[redacted by" in notice.text and "Entered on the wrong case" in notice.html
        assert notice.erased_at is None  # redacted, not erased: it can still be sent
        assert bool(notice.pdf) == bool(letters[1].pdf)  # made again from the redacted HTML
        if notice.pdf:
            assert NAME not in pdf_text(notice.pdf) and "[redacted by" in pdf_text(notice.pdf)
        [tombstone] = notice.erasures.all()
        assert (tombstone.kind, tombstone.erased_by, tombstone.rule) == (
            "redaction",
            counsel,
            "Entered on the wrong case",
        )
        assert {"text", "html", "recipient", "pdf"} <= set(tombstone.fields)
        assert Letter.objects.get(pk=denial.pk).text == denial.text
        assert not LetterErasure.objects.filter(letter=denial).exists()
        record = AuditRecord.objects.filter(kind=Kind.REDACTION).get()
        assert record.detail["also_redacted"] == {"letters": {"letters": 1}}
        sentences = [e.sentence for e in case_timeline(denied, kinds=["redaction"])]
        assert any("(and from 1 letter): Entered on the wrong case" in s for s in sentences)

    def test_the_letter_page_says_where_the_text_was_replaced_and_warns_before_mailing(
        self, django_app, denied, letters, counsel
    ):
        notice = letters[1]
        redaction_apply(
            case=denied, field="subject_name", text=NAME, reason="Wrong person", actor=counsel
        )
        url = reverse("correspondence:letter", args=[denied.number, notice.pk])
        page = django_app.get(url, user=counsel)
        note = " ".join(page.html.select_one(".usa-alert--info").get_text(" ").split())
        assert (
            "The redacted text was replaced by the redaction's marker wherever it stood in" in note
        )
        assert "the person's name" in note and "Removed:" not in note
        assert "address the envelope by hand" in page.html.select_one("#redacted-address").text


def refused(statement, pk):
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [pk])


@pytest.mark.postgres
def test_on_postgresql_only_the_sanctioned_path_changes_a_letter(denied, letters):
    denial = letters[0]
    refused("UPDATE correspondence_letter SET text = 'forged' WHERE id = %s", denial.pk)
    close_long_ago(denied)
    retention_apply(years=7, source="command")
    assert Letter.objects.get(pk=denial.pk).erased_at is not None
    # The tombstone is append-only too, and so is the erased letter.
    refused("UPDATE correspondence_lettererasure SET rule = 'x' WHERE letter_id = %s", denial.pk)
    refused("DELETE FROM correspondence_lettererasure WHERE letter_id = %s", denial.pk)
    refused("UPDATE correspondence_letter SET text = 'forged' WHERE id = %s", denial.pk)
