"""The quarantine pages: clerks only, escaped text, POST-only actions with clear errors."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake.models import InboundMessage, QuarantineStatus
from dmvrequests.intake.services import message_ingest, quarantine_discard
from dmvrequests.intake.tests.conftest import EXE, PDF, make_email
from dmvrequests.mail import parsing

pytestmark = pytest.mark.django_db


def hold(raw):
    assert message_ingest(raw=raw, source="file").result == "quarantined"
    return InboundMessage.objects.get(raw_sha256=hashlib.sha256(raw).hexdigest())


@pytest.fixture
def message(db):
    return hold(
        make_email(
            sender="Unknown Sender <someone@unknown.example>",
            subject="Records about <b>J. Doe</b>",
            body="Please send it all.\n<script>alert('pwned')</script>",
            attachments=[("warrant.pdf", PDF), ("../../evil\x07.pdf", EXE)],
        )
    )


def urls(message):
    return {
        "list": reverse("intake:quarantine"),
        "detail": reverse("intake:quarantine_detail", args=[message.pk]),
        "release": reverse("intake:quarantine_release", args=[message.pk]),
        "discard": reverse("intake:quarantine_discard", args=[message.pk]),
    }


def page(response):
    return response.content.decode()


class TestAccess:
    @pytest.mark.parametrize("name", ["list", "detail", "release", "discard"])
    def test_it_sends_anonymous_visitors_to_sign_in(self, client, message, name):
        url = urls(message)[name]
        response = client.post(url) if name in ("release", "discard") else client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))

    @pytest.mark.parametrize("role", ["counsel", "administrator", "auditor"])
    @pytest.mark.parametrize("name", ["list", "detail", "release", "discard"])
    def test_it_refuses_every_role_but_clerk(self, request, client, message, role, name):
        client.force_login(request.getfixturevalue(role))
        url = urls(message)[name]
        response = client.post(url) if name in ("release", "discard") else client.get(url)
        assert response.status_code == 403
        message.refresh_from_db()
        assert message.is_held

    def test_it_answers_404_for_a_message_that_was_never_quarantined(
        self, client, clerk, office, ice
    ):
        result = message_ingest(raw=make_email(), source="file")
        created = InboundMessage.objects.get(message_id=result.message_id)
        client.force_login(clerk)
        response = client.get(reverse("intake:quarantine_detail", args=[created.pk]))
        assert response.status_code == 404

    def test_it_answers_404_for_an_unknown_message(self, client, clerk):
        client.force_login(clerk)
        assert client.get(reverse("intake:quarantine_detail", args=[999999])).status_code == 404

    def test_a_get_of_the_release_address_leads_back_to_the_held_email(
        self, client, clerk, message
    ):
        """A re-opened form address (after signing in again) is not a blank 405 page."""
        client.force_login(clerk)
        response = client.get(urls(message)["release"], follow=True)
        assert response.redirect_chain[-1][0] == urls(message)["detail"]
        assert "only receives a form" in page(response)
        message.refresh_from_db()
        assert message.is_held

    def test_discarding_asks_for_confirmation_first(self, client, clerk, message):
        client.force_login(clerk)
        response = client.get(urls(message)["discard"])
        assert response.status_code == 200
        assert "cannot be released later" in page(response)
        message.refresh_from_db()
        assert message.is_held

    def test_it_refuses_a_post_without_csrf_token(self, clerk, message):
        client = Client(enforce_csrf_checks=True)
        client.force_login(clerk)
        response = client.post(urls(message)["discard"], {"reason": "spam"})
        assert response.status_code == 403
        message.refresh_from_db()
        assert message.is_held


class TestList:
    def test_it_lists_held_messages_with_sender_subject_reason_and_count(
        self, client, clerk, message
    ):
        client.force_login(clerk)
        response = client.get(urls(message)["list"])
        assert response.status_code == 200
        text = page(response)
        assert "<strong>1</strong> message held." in text
        assert "someone@unknown.example" in text
        assert "Records about &lt;b&gt;J. Doe&lt;/b&gt;" in text
        assert "matches no agency in the directory" in text
        assert urls(message)["detail"] in text

    def test_it_shows_an_empty_state(self, client, clerk):
        client.force_login(clerk)
        text = page(client.get(reverse("intake:quarantine")))
        assert "<strong>0</strong> messages held." in text
        assert "No email is held." in text

    def test_it_leaves_out_handled_messages(self, client, clerk, message):
        quarantine_discard(message=message, reason="Spam", actor=clerk)
        client.force_login(clerk)
        assert "No email is held." in page(client.get(reverse("intake:quarantine")))

    @pytest.mark.parametrize("query", ["?sort=-sender", "?sort=nonsense", "?page=999", "?page=x"])
    def test_it_survives_any_sort_or_page(self, client, clerk, message, query):
        client.force_login(clerk)
        response = client.get(reverse("intake:quarantine") + query)
        assert response.status_code == 200
        assert "someone@unknown.example" in page(response)


class TestDetail:
    def test_it_shows_headers_text_and_attachments_escaped(self, client, clerk, message):
        client.force_login(clerk)
        response = client.get(urls(message)["detail"])
        assert response.status_code == 200
        text = page(response)
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in text
        assert "<b>J. Doe</b>" not in text
        assert "Message-ID" in text and escape(message.message_id) in text
        assert "warrant.pdf" in text and "Stored as a legal document" in text
        assert "evil.pdf" in text and "../" not in text
        assert "Refused: its content is not a PDF, PNG, JPEG or TIFF file" in text
        assert 'name="csrfmiddlewaretoken"' in text

    def test_it_never_renders_an_html_body(self, client, clerk):
        raw = make_email(
            sender="x@unknown.example",
            body="<p>Hello <img src=x onerror=alert(1)></p><script>alert(2)</script>",
        ).replace(b"text/plain", b"text/html")
        held = hold(raw)
        client.force_login(clerk)
        text = page(client.get(reverse("intake:quarantine_detail", args=[held.pk])))
        assert "onerror" not in text and "alert(2)" not in text
        assert "Hello" in text

    def test_it_shows_who_handled_a_message(self, client, clerk, message):
        quarantine_discard(message=message, reason="Advertising", actor=clerk)
        client.force_login(clerk)
        text = page(client.get(urls(message)["detail"]))
        assert "Discarded by" in text and "Reason: Advertising" in text
        assert urls(message)["discard"] not in text

    def test_it_reads_the_summary_stored_at_ingest_not_the_raw_message(
        self, client, clerk, message, monkeypatch
    ):
        """No web request parses a raw message (an 800,000-part one took a worker down)."""
        message.raw.storage.delete(message.raw.name)

        def no_parsing(*args, **kwargs):
            raise AssertionError("a web request parsed a raw message")

        monkeypatch.setattr(parsing, "parse_message", no_parsing)
        monkeypatch.setattr(parsing, "parse_bytes", no_parsing)
        client.force_login(clerk)
        response = client.get(urls(message)["detail"])
        assert response.status_code == 200
        assert "warrant.pdf" in page(response)


class TestRelease:
    def test_it_creates_the_case_and_opens_it(self, client, clerk, office, ice, message):
        client.force_login(clerk)
        response = client.post(urls(message)["release"], {"agency": ice.pk, "office": office.pk})
        case = DisclosureRequest.objects.get()
        assert response.status_code == 302
        assert response.url == case.get_absolute_url()
        assert case.documents.count() == 1
        message.refresh_from_db()
        assert (message.quarantine_status, message.case, message.handled_by) == (
            QuarantineStatus.RELEASED,
            case,
            clerk,
        )

    def test_it_returns_to_the_quarantine_for_another_offices_case(
        self, client, clerk, other_office, ice, message
    ):
        client.force_login(clerk)
        response = client.post(
            urls(message)["release"], {"agency": ice.pk, "office": other_office.pk}
        )
        assert response.url == reverse("intake:quarantine")
        assert DisclosureRequest.objects.get().office == other_office

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({}, "Choose the agency that sent the request."),
            ({"agency": "abc"}, "Choose an agency from the list"),
            ({"agency": "999999"}, "Choose an agency from the list"),
        ],
    )
    def test_it_explains_a_bad_choice(self, client, clerk, office, message, data, error):
        client.force_login(clerk)
        response = client.post(urls(message)["release"], {"office": office.pk, **data})
        assert response.status_code == 200
        assert error in page(response)
        assert DisclosureRequest.objects.count() == 0

    def test_it_explains_a_missing_office(self, client, clerk, ice, message):
        client.force_login(clerk)
        response = client.post(urls(message)["release"], {"agency": ice.pk})
        assert "Choose the office that handles the case." in page(response)

    def test_it_explains_that_someone_else_handled_it_first(
        self, client, clerk, office, ice, message
    ):
        quarantine_discard(message=message, reason="Spam", actor=clerk)
        client.force_login(clerk)
        url = urls(message)["release"]
        response = client.post(url, {"agency": ice.pk, "office": office.pk}, follow=True)
        assert response.redirect_chain == [(urls(message)["detail"], 302)]
        assert "This message was already discarded by" in page(response)
        assert DisclosureRequest.objects.count() == 0


class TestDiscard:
    def test_it_discards_with_the_reason(self, client, clerk, message):
        client.force_login(clerk)
        response = client.post(urls(message)["discard"], {"reason": "Advertising"})
        assert response.status_code == 302
        assert response.url == reverse("intake:quarantine")
        message.refresh_from_db()
        assert (message.quarantine_status, message.discard_reason) == ("discarded", "Advertising")

    @pytest.mark.parametrize("reason", ["", "    "])
    def test_it_needs_a_reason(self, client, clerk, message, reason):
        client.force_login(clerk)
        response = client.post(urls(message)["discard"], {"reason": reason})
        assert response.status_code == 200
        assert "Say why the message is discarded" in page(response)
        message.refresh_from_db()
        assert message.is_held

    def test_it_explains_a_message_too_complex_to_release(
        self, settings, client, clerk, office, ice
    ):
        settings.INTAKE_MAX_MIME_PARTS = 2
        held = hold(make_email(sender="x@unknown.example", attachments=[("a.pdf", PDF)] * 2))
        client.force_login(clerk)
        url = reverse("intake:quarantine_release", args=[held.pk])
        response = client.post(url, {"agency": ice.pk, "office": office.pk}, follow=True)
        assert "cannot be made into a case automatically" in page(response)
        assert "Log the request from New request instead" in page(response)

    def test_it_refuses_an_overlong_reason(self, client, clerk, message):
        client.force_login(clerk)
        response = client.post(urls(message)["discard"], {"reason": "x" * 2001})
        assert "Keep the reason under 2000 characters." in page(response)
