"""A generated corpus: each kind of the field cases in other shapes than the handed file.

Forged alignment, automatic messages, text around inline documents, forwarded
messages, charsets, MIME limits while parsing, reused Message-IDs, sizes in human
units and document recognition. Messages are built as bytes, by the email package
or by hand where it would not write the shape.
"""

import base64
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dmvrequests.agencies.models import Requester
from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest
from dmvrequests.intake.tests.conftest import (
    PDF,
    PNG,
    authenticated,
    make_email,
    raw_message,
    text_pdf,
)
from dmvrequests.mail import parsing
from dmvrequests.vocabulary import LegalProcessType

pytestmark = pytest.mark.django_db
SENDER = ("From", "Officer Ana Reyes <ana.reyes@ice.dhs.gov>")
BASE = [("To", "records@dmv.example.gov"), ("Date", "Fri, 27 Nov 2026 10:00:00 -0500")]


def ingest(raw):
    return message_ingest(raw=raw, source="file")


def narrative(result):
    return DisclosureRequest.objects.get(number=result.case).narrative


def mixed(boundary, *parts):
    """A multipart body of (headers, body) parts."""
    chunks = []
    for headers, body in parts:
        chunks.append(f"--{boundary}\r\n" + "".join(f"{h}\r\n" for h in headers) + "\r\n")
        chunks.append(body if isinstance(body, str) else body.decode("ascii"))
        chunks.append("\r\n")
    return "".join(chunks) + f"--{boundary}--\r\n"


def b64(content):
    return base64.encodebytes(content).decode("ascii")


class TestForgedAlignment:
    """DMARC's header.from or DKIM's header.d must be the one From domain (RFC 7489)."""

    def test_a_dkim_pass_for_another_domain_does_not_verify(self, office, ice):
        raw = make_email(headers=[authenticated("dkim=pass header.d=attack.example")])
        result = ingest(raw)
        assert (result.result, result.sender_verified) == ("created", False)
        assert "attack.example, not for the From domain ice.dhs.gov" in narrative(result)

    def test_a_dmarc_pass_that_names_no_domain_does_not_verify(self, office, ice):
        assert ingest(make_email(headers=[authenticated("dmarc=pass")])).sender_verified is False

    def test_an_aligned_dkim_pass_verifies(self, office, ice):
        raw = make_email(headers=[authenticated("dmarc=none; dkim=pass header.d=ice.dhs.gov")])
        assert ingest(raw).sender_verified is True

    @pytest.mark.parametrize(
        ("from_lines", "why"),
        [
            (
                ["From: Ana <ana.reyes@ice.dhs.gov>", "From: Eve <eve@attack.example>"],
                "2 From header fields",
            ),
            (["From: ana.reyes@ice.dhs.gov, eve@attack.example"], "names 2 addresses"),
            (["From: Ana <@attack.example:ana.reyes@ice.dhs.gov>"], "source route"),
            (['From: "chief@fbi.gov" <ana.reyes@ice.dhs.gov>'], "display name shows"),
            (["From: Officers: ana.reyes@ice.dhs.gov;"], "group"),
        ],
    )
    def test_an_ambiguous_from_is_never_verified_and_the_clerk_is_told_why(
        self, office, ice, from_lines, why
    ):
        stamp = "Authentication-Results: mx.dmv.example.gov; dmarc=pass header.from=ice.dhs.gov"
        head = "\r\n".join(
            [stamp, *from_lines, "Subject: Request", "Message-ID: <amb@ice.dhs.gov>"]
        )
        raw = (head + "\r\n\r\nPlease send the record of Maria Lopez.\r\n").encode()
        parsed = parsing.parse_message(raw)
        assert why in (parsed.from_problem or "")
        result = ingest(raw)
        assert result.sender_verified is False
        if result.result == "created":
            text = narrative(result)
            assert "the From header is ambiguous" in text and why in text
            # Someone who may never have written is not made an officer.
            assert DisclosureRequest.objects.get(number=result.case).requester is None


class TestAutomaticMessages:
    """RFC 3834, 3464, 8098 and role senders: never a case, never a requester."""

    @pytest.mark.parametrize(
        ("headers", "sender", "why"),
        [
            ([("X-Autoreply", "yes")], SENDER[1], "X-Autoreply"),
            ([("X-Autorespond", "Away")], SENDER[1], "X-Autorespond"),
            ([("Precedence", "bulk")], SENDER[1], "Precedence: bulk"),
            ([("Precedence", "junk")], SENDER[1], "Precedence: junk"),
            ([("Auto-Submitted", "auto-generated")], SENDER[1], "auto-generated"),
            ([], "Postmaster <postmaster@ice.dhs.gov>", "mail system"),
            ([], "MAILER-DAEMON@mx1.ice.dhs.gov", "mail system"),
        ],
    )
    def test_an_unthreaded_automatic_message_is_held_with_the_reason(
        self, office, ice, headers, sender, why
    ):
        result = ingest(make_email(sender=sender, headers=headers))
        assert (result.result, result.case) == ("quarantined", None)
        assert why in result.reason and result.reason.startswith("Automatic message")
        assert Requester.objects.filter(agency=ice).count() == 0

    def test_auto_submitted_no_is_a_person(self, office, ice):
        assert ingest(make_email(headers=[("Auto-Submitted", "no")])).result == "created"

    def test_a_read_receipt_is_held(self, office, ice):
        body = mixed(
            "mdn",
            (["Content-Type: text/plain"], "Your message was displayed."),
            (["Content-Type: message/disposition-notification"], "Disposition: manual"),
        )
        raw = raw_message(
            [SENDER, *BASE, ("Subject", "Read: request"), ("Message-ID", "<mdn@ice.dhs.gov>")],
            body,
            content_type='multipart/report; report-type=disposition-notification; boundary="mdn"',
        )
        result = ingest(raw)
        assert result.result == "quarantined" and "read receipt" in result.reason

    def test_a_delivery_failure_for_a_case_is_noted_and_flags_it(self, office, ice):
        first = ingest(make_email(attachments=[("a.pdf", PDF)]))
        returned = (
            f"From: records@dmv.example.gov\r\nSubject: RE: [{first.case}] your request\r\n"
            "Message-ID: <out-1@dmv.example.gov>\r\n"
        )
        body = mixed(
            "dsn",
            (["Content-Type: text/plain"], "<gone@ice.dhs.gov>: user unknown"),
            (
                ["Content-Type: message/delivery-status"],
                "Reporting-MTA: dns; mx\r\n\r\n"
                "Final-Recipient: rfc822; gone@ice.dhs.gov\r\nAction: failed\r\nStatus: 5.1.1",
            ),
            (["Content-Type: message/rfc822"], returned + "\r\nOur letter.\r\n"),
            (["Content-Type: application/pdf"], b64(PDF)),
        )
        raw = raw_message(
            [("From", "Mail Delivery System <MAILER-DAEMON@mx.ice.dhs.gov>"), *BASE,
             ("Subject", "Undeliverable"), ("Message-ID", "<dsn-9@mx.ice.dhs.gov>")],
            body,
            content_type='multipart/report; report-type=delivery-status; boundary="dsn"',
        )  # fmt: skip
        result = ingest(raw)
        assert (result.result, result.case, result.documents) == ("appended", first.case, 0)
        text = narrative(result)
        assert "Automatic message received" in text and "did not arrive" in text
        assert "user unknown" in text
        message = InboundMessage.objects.get(message_id="<dsn-9@mx.ice.dhs.gov>")
        assert message.flags_case
        case = DisclosureRequest.objects.get(number=first.case)
        assert case.documents.count() == 1  # the returned copy adds nothing
        assert not Requester.objects.filter(name__icontains="Mail Delivery").exists()

    def test_an_out_of_office_reply_in_a_thread_is_noted_not_a_request(self, office, ice):
        first = ingest(make_email(message_id="<req-77@ice.dhs.gov>"))
        raw = make_email(
            subject="Automatic reply: records",
            body="I am away until Monday.",
            headers=[("In-Reply-To", "<req-77@ice.dhs.gov>"), ("X-Autoreply", "yes")],
        )
        result = ingest(raw)
        assert (result.result, result.case) == ("appended", first.case)
        assert "I am away until Monday." in narrative(result)
        assert "it is not an answer to the case" in narrative(result)
        assert DisclosureRequest.objects.count() == 1


class TestWholeText:
    """Every text part of multipart/mixed in order; one of each multipart/alternative."""

    def test_text_around_an_inline_image_and_an_html_part_is_kept_in_order(self, office, ice):
        body = mixed(
            "m",
            (["Content-Type: text/plain"], "First: the order is attached."),
            (["Content-Type: image/png", "Content-Disposition: inline",
              "Content-Transfer-Encoding: base64"], b64(PNG)),
            (["Content-Type: text/plain; charset=utf-8"], "Second: plate ABC-1234."),
            (["Content-Type: text/html"], "<p>Third: by <b>Friday</b>.</p>"),
        )  # fmt: skip
        raw = raw_message(
            [SENDER, *BASE, ("Subject", "s"), ("Message-ID", "<order@ice.dhs.gov>")],
            body,
            content_type='multipart/mixed; boundary="m"',
        )
        result = ingest(raw)
        assert result.documents == 1
        text = narrative(result)
        assert (
            text.index("First:")
            < text.index("Second: plate ABC-1234.")
            < text.index("Third: by Friday.")
        )

    def test_an_outlook_alternative_gives_one_text_and_the_rest_follows(self, office, ice):
        alternative = 'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n' + mixed(
            "alt",
            (["Content-Type: text/plain"], "The request, in plain text."),
            (["Content-Type: text/html"], "<p>The request, in HTML.</p>"),
        )
        body = mixed(
            "top",
            ([], ""),
            (["Content-Type: application/pdf", "Content-Disposition: inline",
              "Content-Transfer-Encoding: base64"], b64(PDF)),
            (["Content-Type: text/plain"], "Signature block, DOB 1980-01-02."),
        ).replace("--top\r\n\r\n\r\n", "--top\r\n" + alternative + "\r\n", 1)  # fmt: skip
        raw = raw_message(
            [SENDER, *BASE, ("Subject", "s"), ("Message-ID", "<alt@ice.dhs.gov>")],
            body,
            content_type='multipart/mixed; boundary="top"',
        )
        parsed = parsing.parse_message(raw)
        assert [part.text for part in parsed.text_parts] == [
            "The request, in plain text.",
            "Signature block, DOB 1980-01-02.",
        ]
        assert len(parsed.attachments) == 1

    def test_an_empty_plain_alternative_gives_way_to_the_html(self):
        raw = make_email(body="\n", html="<p>Only the HTML says it.</p>")
        assert parsing.parse_message(raw).body == "Only the HTML says it."


class TestForwarded:
    def test_an_inline_forward_with_html_and_a_document(self, office, ice):
        inner = (
            "From: Agent Kim <kim@ice.dhs.gov>\r\nDate: Tue, 24 Nov 2026 09:00:00 -0500\r\n"
            "Subject: Address request\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="in"\r\n\r\n'
            + mixed(
                "in",
                (["Content-Type: text/html"], "<p>Current address of <i>Lee Doe</i>.</p>"),
                (["Content-Type: application/pdf", 'Content-Disposition: attachment; '
                  'filename="order.pdf"', "Content-Transfer-Encoding: base64"], b64(PDF)),
            )
        )  # fmt: skip
        body = mixed(
            "f",
            (["Content-Type: text/plain"], "Forwarding Agent Kim's request."),
            (["Content-Type: message/rfc822", "Content-Disposition: inline"], inner),
        )
        raw = raw_message(
            [SENDER, *BASE, ("Subject", "Fwd: Address request"), ("Message-ID", "<f2@ice>")],
            body,
            content_type='multipart/mixed; boundary="f"',
        )
        result = ingest(raw)
        assert result.documents == 1
        assert (
            "---------- Forwarded message ----------\nFrom: Agent Kim <kim@ice.dhs.gov>\n"
            "Date: Tue, 24 Nov 2026 09:00:00 -0500\nSubject: Address request\n\n"
            "Current address of Lee Doe."
        ) in narrative(result)

    def test_a_forward_of_a_forward_keeps_both_headings(self):
        innermost = "From: a@ice.dhs.gov\r\nSubject: The original\r\n\r\nThe original text.\r\n"
        middle = (
            "From: b@ice.dhs.gov\r\nSubject: Fwd: The original\r\nContent-Type: multipart/mixed; "
            'boundary="x"\r\n\r\n'
            + mixed(
                "x",
                (["Content-Type: text/plain"], "See below."),
                (["Content-Type: message/rfc822"], innermost),
            )
        )
        raw = raw_message(
            [SENDER, ("Subject", "Fwd: Fwd"), ("Message-ID", "<ff@ice>")],
            mixed("y", (["Content-Type: message/rfc822"], middle)),
            content_type='multipart/mixed; boundary="y"',
        )
        body = parsing.parse_message(raw).body
        assert body.index("Subject: Fwd: The original") < body.index("See below.")
        assert body.index("Subject: The original\n") < body.index("The original text.")


class TestCharsets:
    def test_us_ascii_with_windows_1252_bytes_and_a_quoted_printable_gb2312_part(self):
        gbk = "请提供驾驶记录。".encode("gb18030")
        qp = "".join(f"={byte:02X}" for byte in gbk)
        body = mixed(
            "c",
            (["Content-Type: text/plain; charset=us-ascii"], b"It\x92s due \x96 today.".decode(
                "latin-1")),
            (["Content-Type: text/plain; charset=GB2312",
              "Content-Transfer-Encoding: quoted-printable"], qp),
        )  # fmt: skip
        raw = raw_message(
            [SENDER, ("Subject", "=?iso-8859-1?Q?=93Urgent=94?="), ("Message-ID", "<cs@ice>")],
            body.encode("latin-1"),
            content_type='multipart/mixed; boundary="c"',
        )
        parsed = parsing.parse_message(raw)
        assert parsed.subject == "“Urgent”"
        assert parsed.body == "It’s due – today.\n\n请提供驾驶记录。"
        assert parsed.notes == []

    def test_an_unknown_charset_is_read_as_utf8_with_a_note_on_the_case(self, office, ice):
        raw = make_email(body="Señor Pérez").replace(b'charset="utf-8"', b'charset="x-klingon"')
        result = ingest(raw)
        text = narrative(result)
        assert "Señor Pérez" in text
        assert 'declared the charset "x-klingon", which is not known' in text

    def test_a_codec_that_is_not_a_text_encoding_is_unknown(self):
        text, note = parsing.decode_text(b"x\x9c", "zlib")
        assert text == "x\ufffd" and "zlib" in note


class TestMimeLimitsWhileParsing:
    def test_800000_empty_parts_stop_at_the_part_limit(self, office, ice):
        head = (
            b"From: ana.reyes@ice.dhs.gov\r\nSubject: many\r\nMessage-ID: <many@ice.dhs.gov>\r\n"
            b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        )
        raw = head + b"--b\r\n\r\n" * 800_000 + b"--b--\r\n"
        message, problem = parsing.parse_bytes(raw, parsing.limits())
        assert "more than 100 parts (texts and attachments)" in problem
        # The parse stopped at the limit: the root holds the parts read before it.
        assert len(message.get_payload()) <= 100
        assert message["From"] == "ana.reyes@ice.dhs.gov"
        result = ingest(raw)
        assert result.result == "quarantined" and "more than 100 parts" in result.reason
        held = InboundMessage.objects.get(message_id="<many@ice.dhs.gov>")
        assert held.summary["content_read"] is False
        assert "more than 100 parts" in held.summary["problem"]

    def test_header_fields_are_counted_while_parsing(self, settings):
        settings.INTAKE_MAX_HEADER_FIELDS = 50
        raw = b"From: a@ice.dhs.gov\r\n" + b"X-Filler: 1\r\n" * 5000 + b"\r\nbody\r\n"
        message, problem = parsing.parse_bytes(raw, parsing.limits())
        assert "more than 50 header lines" in problem
        assert len(message) == 50
        assert "a limit an administrator sets" in (parsing.parse_message(raw).problem or "")

    def test_headers_of_nested_parts_count_too(self, settings):
        settings.INTAKE_MAX_HEADER_FIELDS = 30
        part = "Content-Type: text/plain\r\nX-A: 1\r\nX-B: 2\r\n\r\nx\r\n"
        raw = raw_message(
            [SENDER], "".join(f"--b\r\n{part}" for _ in range(20)) + "--b--\r\n",
            content_type='multipart/mixed; boundary="b"',
        )  # fmt: skip
        assert "a limit an administrator sets" in (parsing.parse_message(raw).problem or "")


class TestReusedMessageId:
    def test_a_different_message_under_a_used_id_is_held_not_a_duplicate(self, office, ice):
        first = ingest(make_email(message_id="<scan@copier.example>", body="Scan one."))
        second_raw = make_email(message_id="<scan@copier.example>", body="Scan two.")
        second = ingest(second_raw)
        assert (second.result, second.case) == ("quarantined", None)
        assert second.reason.startswith("Message-ID reused by a different message")
        assert first.case in second.reason
        # The same bytes again are a duplicate of the held one, not a third message.
        again = ingest(second_raw)
        assert again.result == "duplicate"
        copy = InboundMessage.objects.get(result="duplicate")
        assert copy.duplicate_of is not None
        assert copy.duplicate_of.message_id_reused is True
        assert "Scan two." in copy.duplicate_of.summary["parts"][0]["text"]

    def test_the_same_message_relayed_with_other_trace_fields_stays_a_duplicate(self, office, ice):
        raw = make_email(message_id="<same@ice.dhs.gov>")
        first = ingest(raw)
        relayed = b"Received: from relay.example by mx.dmv.example.gov; Fri\r\n" + raw
        again = ingest(relayed)
        assert (again.result, again.case) == ("duplicate", first.case)


class TestSizeUnits:
    @pytest.mark.parametrize(
        ("size", "text"),
        [
            (1, "1 byte"),
            (500, "500 bytes"),
            (100 * 1024, "100 KB"),
            (1536, "1.5 KB"),
            (25 * 1024 * 1024, "25 MB"),
            (int(1.5 * 1024 * 1024), "1.5 MB"),
        ],
    )
    def test_human_size(self, size, text):
        assert parsing.human_size(size) == text

    def test_an_attachment_over_a_100_kb_limit_says_100_kb(self, office, ice, settings):
        settings.INTAKE_MAX_ATTACHMENT_BYTES = 100 * 1024
        big = PDF + b"0" * (150 * 1024)
        result = ingest(make_email(attachments=[("scan.pdf", big)]))
        assert result.rejected_attachments[0]["reason"].endswith("the limit is 100 KB")
        assert "0 MB" not in narrative(result)


class TestDocumentRecognition:
    @pytest.mark.parametrize(
        ("lines", "type_", "form"),
        [
            (["U.S. Department of Homeland Security", "Warrant for Arrest of Alien",
              "Form I-200 (Rev. 09/16)"], LegalProcessType.ADMINISTRATIVE_WARRANT, "I-200"),
            (["Warrant of Removal/Deportation", "Form I-205"],
             LegalProcessType.ADMINISTRATIVE_WARRANT, "I-205"),
            (["DHS Form I-247A", "Immigration Detainer - Notice of Action"],
             LegalProcessType.DETAINER, "I-247A"),
            (["Notice to Appear", "Form I-862"], LegalProcessType.NOTICE_TO_APPEAR, "I-862"),
            (["Department of Homeland Security", "Immigration Enforcement Subpoena"],
             LegalProcessType.ADMINISTRATIVE_SUBPOENA, "DHS administrative subpoena"),
        ],
    )  # fmt: skip
    def test_it_pre_fills_the_type_and_tells_the_clerk_to_confirm(
        self, office, ice, lines, type_, form
    ):
        result = ingest(make_email(attachments=[("scan.pdf", text_pdf(*lines))]))
        case = DisclosureRequest.objects.get(number=result.case)
        document = case.documents.get()
        assert (document.type, document.verified) == (type_, False)
        assert f'Document "scan.pdf" recognised as {form}, filed as' in case.narrative
        assert "Confirm or correct it" in case.narrative

    @pytest.mark.parametrize(
        "content",
        [
            PDF,  # no text layer: a scan
            text_pdf("Notice to Appear", "see the Warrant for Arrest of Alien, Form I-200"),
            text_pdf("Grand jury subpoena", "Department of Homeland Security"),
            b"%PDF-1.7 broken",
        ],
    )
    def test_it_leaves_the_type_to_the_clerk_when_unsure(self, office, ice, content):
        result = ingest(make_email(attachments=[("scan.pdf", content)]))
        case = DisclosureRequest.objects.get(number=result.case)
        assert case.documents.get().type == LegalProcessType.NONE
        assert "recognised as" not in case.narrative


class TestReleaseOfAnAutomaticMessage:
    def test_a_released_auto_reply_makes_no_requester_and_no_document(self, office, ice, clerk):
        from dmvrequests.intake.services import quarantine_release

        raw = make_email(
            headers=[
                ("Auto-Submitted", "auto-replied"),
                authenticated("dmarc=pass header.from=ice.dhs.gov"),
            ],
            attachments=[("a.pdf", PDF)],
        )
        assert ingest(raw).result == "quarantined"
        held = InboundMessage.objects.get()
        case = quarantine_release(message=held, agency=ice, office=office, actor=clerk)
        assert case.requester is None
        assert case.documents.count() == 0
        assert "it came with an automatic message" in case.narrative


FIELD_CASES = sorted((Path(__file__).parent / "field_cases").glob("*.eml"))


class TestNeverRaises:
    """Whatever the bytes, reading a message gives a result, never an exception."""

    @hypothesis_settings(max_examples=150, deadline=None, derandomize=True)
    @given(
        case=st.sampled_from(FIELD_CASES),
        cut=st.integers(min_value=0, max_value=2000),
        insert=st.binary(max_size=40),
        where=st.integers(min_value=0, max_value=2000),
    )
    def test_a_mutilated_field_case_is_read_or_given_a_problem(self, case, cut, insert, where):
        raw = case.read_bytes()
        raw = raw[:where] + insert + raw[where:]
        raw = raw[: max(cut, 1)] if cut < len(raw) else raw
        parsed = parsing.parse_message(raw)
        assert parsed.problem or parsed.content_read
        assert "\x00" not in parsed.body

    @hypothesis_settings(max_examples=100, deadline=None, derandomize=True)
    @given(st.binary(max_size=600))
    def test_arbitrary_bytes_are_read_or_given_a_problem(self, raw):
        parsed = parsing.parse_message(raw)
        assert parsed.problem or parsed.content_read
