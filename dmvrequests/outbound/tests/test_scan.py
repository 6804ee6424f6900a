"""The scan_outbound_email contract, rule by rule, through the command as a mail admin runs it."""

import io
import json
import mailbox

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dmvrequests.outbound.models import JournalEntry, OutboundMessage
from dmvrequests.outbound.services import journal_scan, read_raw
from dmvrequests.outbound.tests.conftest import PDF, journal_report, staff_email
from dmvrequests.testing import UserFactory, make_case

pytestmark = pytest.mark.django_db

ZERO = {"license_number": 0, "date_of_birth": 0, "plate": 0, "vin": 0, "ssn": 0}


def scan(tmp_path, *messages):
    """The command's JSON lines for the messages, each written to its own .eml file."""
    paths = []
    for number, raw in enumerate(messages):
        path = tmp_path / f"m{number}.eml"
        path.write_bytes(raw)
        paths.append(str(path))
    out = io.StringIO()
    call_command("scan_outbound_email", "--json", *paths, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def one(tmp_path, raw):
    [line] = scan(tmp_path, raw)
    return line


class TestRuleOneFromTheDmv:
    def test_mail_from_another_domain_is_ignored(self, tmp_path):
        line = one(tmp_path, staff_email(sender="x@gmail.com", body="DOB 1/2/1980"))
        assert (line["result"], line["agency_kind"], line["identifiers"]) == (
            "ignored",
            None,
            ZERO,
        )

    def test_a_subdomain_of_a_dmv_domain_is_the_dmv(self, tmp_path):
        line = one(tmp_path, staff_email(sender="a@albany.dmv.example.gov", body="DOB 1/2/1980"))
        assert line["result"] == "flagged"

    def test_a_lookalike_domain_is_not(self, tmp_path):
        raw = staff_email(sender="a@dmv.example.gov.evil.example", body="DOB 1/2/1980")
        assert one(tmp_path, raw)["result"] == "ignored"
        raw = staff_email(sender="a@notdmv.example.gov", body="DOB 1/2/1980")
        assert one(tmp_path, raw)["result"] == "ignored"


class TestRuleTwoAgency:
    def test_no_directory_agency_among_recipients_is_ignored(self, tmp_path):
        line = one(tmp_path, staff_email(to="friend@example.com", body="DOB 1/2/1980"))
        assert (line["result"], line["agency_kind"]) == ("ignored", None)

    def test_an_agency_subdomain_matches_but_not_a_lookalike(self, tmp_path):
        assert (
            one(tmp_path, staff_email(to="x@ero.ice.dhs.gov", body="SSN 123-45-6789"))[
                "agency_kind"
            ]
            == "immigration"
        )
        line = one(tmp_path, staff_email(to="x@ice.dhs.gov.example.com", body="SSN 123-45-6789"))
        assert line["result"] == "ignored"

    def test_immigration_comes_first_when_several_agencies_match(self, tmp_path):
        raw = staff_email(to="a@fbi.gov", cc="b@cbp.dhs.gov", body="SSN 123-45-6789")
        assert one(tmp_path, raw)["agency_kind"] == "immigration"
        raw = staff_email(to="a@fbi.gov", body="SSN 123-45-6789")
        assert one(tmp_path, raw)["agency_kind"] == "federal_law_enforcement"

    def test_bcc_in_the_headers_counts(self, tmp_path):
        raw = staff_email(to="friend@example.com", bcc="agent@ice.dhs.gov", body="DOB 1/2/1980")
        assert one(tmp_path, raw)["result"] == "flagged"


class TestJournalReports:
    def test_a_bcc_only_in_the_envelope_is_a_recipient(self, tmp_path):
        original = staff_email(
            to="friend@example.com", body="Plate ABC1234", message_id="<orig-1@dmv.example.gov>"
        )
        envelope = (
            "Sender: pat.clerk@dmv.example.gov\nSubject: Re: your question\n"
            "Message-Id: <orig-1@dmv.example.gov>\nTo: friend@example.com\n"
            "Bcc: agent.smith@ice.dhs.gov\n"
        )
        line = one(tmp_path, journal_report(original, envelope=envelope))
        assert line == {
            "message_id": "<orig-1@dmv.example.gov>",
            "result": "flagged",
            "case": None,
            "agency_kind": "immigration",
            "identifiers": {**ZERO, "plate": 1},
            "attachments": 0,
        }
        item = OutboundMessage.objects.get()
        assert item.journal and item.recipients["bcc"] == ["agent.smith@ice.dhs.gov"]

    def test_a_report_without_the_header_is_recognised_by_its_envelope(self, tmp_path):
        original = staff_email(to="friend@example.com", body="SSN 123-45-6789", message_id="<o2@x>")
        envelope = (
            "Sender: pat.clerk@dmv.example.gov\nSubject: Hi\nMessage-Id: <o2@x>\n"
            "To: friend@example.com\nCc: a@fbi.gov\n"
        )
        line = one(tmp_path, journal_report(original, envelope=envelope, header=False))
        assert (line["message_id"], line["result"], line["agency_kind"]) == (
            "<o2@x>",
            "flagged",
            "federal_law_enforcement",
        )

    def test_a_forward_with_ordinary_text_is_not_a_report(self, tmp_path):
        original = staff_email(
            sender="a@fbi.gov", to="pat.clerk@dmv.example.gov", message_id="<o3@x>"
        )
        raw = journal_report(original, envelope="See the message below.\nTo: you", header=False)
        assert one(tmp_path, raw)["message_id"] != "<o3@x>"


class TestRuleThreeCaseReference:
    @pytest.mark.parametrize("written", ["[{n}]", "{n}", "[ {n} ]", "{lower}"])
    def test_an_existing_case_number_links(self, tmp_path, office, clerk, written):
        case = make_case(office=office, actor=clerk)
        subject = "Records " + written.format(n=case.number, lower=case.number.lower())
        line = one(tmp_path, staff_email(subject=subject, body="DOB 1/2/1980"))
        assert (line["result"], line["case"]) == ("linked", case.number)
        assert OutboundMessage.objects.get().case == case

    def test_the_number_in_the_text_links(self, tmp_path, office, clerk):
        case = make_case(office=office, actor=clerk)
        line = one(tmp_path, staff_email(body=f"As decided in {case.number}, attached."))
        assert line["case"] == case.number

    def test_a_number_of_no_case_does_not_link(self, tmp_path):
        line = one(tmp_path, staff_email(subject="[DR-2026-999999]", body="DOB 1/2/1980"))
        assert (line["result"], line["case"]) == ("flagged", None)


class TestRuleFourRecordData:
    def test_identifiers_and_attachments_are_counted(self, tmp_path):
        raw = staff_email(
            subject="Plate ABC1234",
            body="DL 123456789, DOB 01/02/1980, VIN 1M8GDM9AXKP042788, SSN 123-45-6789",
            attachments=[("photo.pdf", PDF), ("address.pdf", PDF)],
        )
        line = one(tmp_path, raw)
        assert line["result"] == "flagged"
        assert line["identifiers"] == {
            "license_number": 1,
            "date_of_birth": 1,
            "plate": 1,
            "vin": 1,
            "ssn": 1,
        }
        assert line["attachments"] == 2

    def test_an_attachment_alone_flags(self, tmp_path):
        line = one(tmp_path, staff_email(body="See attached.", attachments=[("p.pdf", PDF)]))
        assert (line["result"], line["identifiers"], line["attachments"]) == ("flagged", ZERO, 1)

    def test_html_only_is_read_as_text(self, tmp_path):
        raw = staff_email(
            html="<p>DOB:<b>1/2/1980</b></p><script>123456789</script>", html_only=True
        )
        line = one(tmp_path, raw)
        assert line["identifiers"] == {**ZERO, "date_of_birth": 1}

    def test_contact_without_record_data_leaves_only_a_count(self, tmp_path, office):
        UserFactory(email="pat.clerk@dmv.example.gov", office=office)
        line = one(tmp_path, staff_email(body="Can we meet on Tuesday at 10?"))
        assert (line["result"], line["agency_kind"]) == ("ignored", "immigration")
        entry = JournalEntry.objects.get()
        assert (entry.office, entry.agency_kind, entry.ignored_reason) == (
            office,
            "immigration",
            "no_record_data",
        )
        assert not OutboundMessage.objects.exists()
        stored = {f.name for f in JournalEntry._meta.concrete_fields}
        assert not stored & {"subject", "text", "sender_address", "recipients"}


class TestRuleFiveDuplicates:
    def test_the_same_message_id_again_is_a_duplicate(self, tmp_path):
        raw = staff_email(body="DOB 1/2/1980", message_id="<same@dmv.example.gov>")
        again = staff_email(body="DOB 1/2/1980, changed", message_id="<same@dmv.example.gov>")
        results = [line["result"] for line in scan(tmp_path, raw, again)]
        assert results == ["flagged", "duplicate"]
        assert OutboundMessage.objects.count() == 1

    def test_without_message_id_the_same_bytes_are_a_duplicate(self, tmp_path):
        raw = staff_email(body="DOB 1/2/1980", message_id=None)
        other = staff_email(body="DOB 1/2/1981", message_id=None)
        results = [line["result"] for line in scan(tmp_path, raw, raw, other)]
        assert results == ["flagged", "duplicate", "flagged"]

    def test_an_ignored_message_again_is_a_duplicate_too(self, tmp_path):
        raw = staff_email(sender="x@gmail.com")
        assert [line["result"] for line in scan(tmp_path, raw, raw)] == ["ignored", "duplicate"]
        assert JournalEntry.objects.get().duplicates == 1


class TestInputs:
    def test_an_mbox_gives_one_line_per_message(self, tmp_path):
        path = tmp_path / "journal.mbox"
        box = mailbox.mbox(path)
        box.add(staff_email(body="DOB 1/2/1980"))
        box.add(staff_email(sender="x@gmail.com"))
        box.close()
        out = io.StringIO()
        call_command("scan_outbound_email", "--json", str(path), stdout=out)
        assert [json.loads(x)["result"] for x in out.getvalue().splitlines()] == [
            "flagged",
            "ignored",
        ]

    def test_standard_input(self, monkeypatch):
        raw = staff_email(body="SSN 123-45-6789")
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
        out = io.StringIO()
        call_command("scan_outbound_email", "--json", "-", stdout=out)
        assert json.loads(out.getvalue())["result"] == "flagged"

    def test_an_unreadable_input_exits_2_with_one_line(self, tmp_path):
        good = tmp_path / "good.eml"
        good.write_bytes(staff_email(body="SSN 123-45-6789"))
        out = io.StringIO()
        with pytest.raises(CommandError) as raised:
            call_command(
                "scan_outbound_email", str(tmp_path / "missing.eml"), str(good), stdout=out
            )
        assert raised.value.returncode == 2
        assert "\n" not in str(raised.value) and "missing.eml: no such file" in str(raised.value)
        assert out.getvalue().startswith("flagged")

    @pytest.mark.parametrize(
        "raw", [b"", b"\x00\xff garbage", b"From: \r\n\r\n", b"Subject: x\r\n\r\n" + b"(" * 5000]
    )
    def test_broken_input_never_raises(self, tmp_path, raw):
        assert one(tmp_path, raw)["result"] == "ignored"

    def test_the_stored_message_is_the_original_byte_for_byte(self, tmp_path):
        raw = staff_email(body="SSN 123-45-6789")
        journal_scan(raw=raw)
        assert read_raw(OutboundMessage.objects.get()) == raw
