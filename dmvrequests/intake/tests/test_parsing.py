"""Reading raw messages: headers, bodies, attachments and limits (no database)."""

from datetime import UTC, datetime

import pytest

from dmvrequests.intake.tests.conftest import PDF, make_email, nested_multipart
from dmvrequests.mail.htmltext import html_to_text
from dmvrequests.mail.parsing import clean_text, domain_of, parse_message


class TestHeaders:
    def test_it_reads_the_fields_intake_needs(self):
        parsed = parse_message(
            make_email(
                message_id="<abc@ice.dhs.gov>",
                date=datetime(2026, 3, 2, 15, 4, tzinfo=UTC),
                headers=[("In-Reply-To", "<parent@dmv.example.gov>")],
            )
        )
        assert parsed.problem is None
        assert (parsed.message_id, parsed.from_address, parsed.from_name) == (
            "<abc@ice.dhs.gov>",
            "ana.reyes@ice.dhs.gov",
            "Officer Ana Reyes",
        )
        assert parsed.date == datetime(2026, 3, 2, 15, 4, tzinfo=UTC)
        assert parsed.references == ["<parent@dmv.example.gov>"]

    def test_it_orders_references_nearest_ancestor_first(self):
        parsed = parse_message(
            make_email(
                headers=[
                    ("In-Reply-To", "<c@x>"),
                    ("References", "<a@x> <b@x> <c@x>"),
                ]
            )
        )
        assert parsed.references == ["<c@x>", "<b@x>", "<a@x>"]

    @pytest.mark.parametrize(
        ("subject", "number"),
        [
            ("Re: [DR-2026-000012] records", "DR-2026-000012"),
            ("RE: [ dr-2026-000012 ]", "DR-2026-000012"),
            ("DR-2026-000012 without brackets", None),
            ("[DR-2026-12]", None),
        ],
    )
    def test_it_finds_a_bracketed_case_number_in_the_subject(self, subject, number):
        assert parse_message(make_email(subject=subject)).case_number == number

    @pytest.mark.parametrize(
        "date", ["Mon, 1 Jan 1000 00:00:00 +1400", "Fri, 31 Dec 9999 23:59:59 -1200", "soon"]
    )
    def test_it_ignores_a_date_no_mail_system_writes(self, date):
        raw = make_email().replace(b"Date: ", f"Date: {date}\nX-Old-Date: ".encode())
        assert parse_message(raw).date is None

    def test_it_treats_an_overlong_message_id_as_absent(self):
        parsed = parse_message(make_email(message_id="<" + "x" * 300 + "@ice.dhs.gov>"))
        assert parsed.message_id is None

    def test_it_reads_the_domain_of_an_internationalised_address(self):
        assert domain_of("jdöe@mächine.example") == "xn--mchine-bua.example"
        assert domain_of("a@ICE.DHS.GOV.") == "ice.dhs.gov"

    def test_it_repairs_undecodable_bytes_and_drops_nul(self):
        assert clean_text("caf\udcc3\udca9\x00") == "café"

    def test_it_lists_header_fields_decoded_for_reading(self):
        raw = make_email(subject="Résumé of the request")
        fields = dict(parse_message(raw).headers)
        assert fields["Subject"] == "Résumé of the request"
        assert fields["From"] == "Officer Ana Reyes <ana.reyes@ice.dhs.gov>"


class TestContent:
    def test_it_separates_the_body_from_attachments(self):
        parsed = parse_message(make_email(body="The text.", attachments=[("a.pdf", PDF)]))
        assert parsed.body == "The text."
        assert [(a.filename, a.content) for a in parsed.attachments] == [("a.pdf", PDF)]

    def test_it_reads_text_in_an_unknown_charset_without_failing(self):
        raw = make_email(body="hello").replace(b'charset="utf-8"', b'charset="x-unknown"')
        parsed = parse_message(raw)
        assert (parsed.problem, parsed.body) == (None, "hello")

    def test_it_reads_a_multipart_whose_boundary_never_appears_as_text(self):
        raw = (
            b"From: a@ice.dhs.gov\r\nSubject: s\r\nContent-Type: multipart/mixed; "
            b'boundary="never"\r\n\r\nJust text after all.\r\n'
        )
        parsed = parse_message(raw)
        assert (parsed.problem, parsed.body) == (None, "Just text after all.")

    def test_it_counts_depth_without_recursion(self):
        parsed = parse_message(nested_multipart(5000))
        assert "inside one another more than 10 levels" in (parsed.problem or "")
        assert parsed.content_read is False

    def test_it_reads_an_oversized_message_on_release(self, settings):
        settings.INTAKE_MAX_MESSAGE_BYTES = 1000
        raw = make_email(body="y" * 2000)
        assert "a limit an administrator sets" in (parse_message(raw).problem or "")
        released = parse_message(raw, enforce_size=False)
        assert (released.problem, released.content_read) == (None, True)


class TestHtmlToText:
    def test_it_keeps_words_and_structure_and_drops_markup(self):
        text = html_to_text(
            "<h1>Request</h1><p>Name:&nbsp;M&eacute;lanie<br>DOB: 1990</p>"
            "<script>alert(1)</script><style>b{}</style><ol><li>one</li><li>two</li></ol>"
        )
        assert text == "Request\n\nName: Mélanie\nDOB: 1990\n\n- one\n- two"

    def test_it_keeps_link_addresses_in_brackets(self):
        text = html_to_text('<a href="https://portal.example.gov/r/1">the order</a>')
        assert text == "the order <https://portal.example.gov/r/1>"

    def test_it_drops_script_links(self):
        assert html_to_text('<a href="javascript:alert(1)">click</a>') == "click"
