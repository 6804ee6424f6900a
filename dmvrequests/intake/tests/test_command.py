"""`manage.py ingest_email` as its contract (docs/intake.md) describes it."""

import io
import json
import mailbox
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake.management.commands import ingest_email
from dmvrequests.intake.tests.conftest import PDF, make_email

pytestmark = pytest.mark.django_db
SPEC_FIELDS = {
    "message_id",
    "result",
    "case",
    "agency_kind",
    "sender_verified",
    "documents",
    "rejected_attachments",
    "reason",
}


def run(*args):
    """(stdout lines, stderr, exit status) of the command run in this process."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ingest_email", *args, stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        err.write(str(exc))
        status = exc.returncode
    return out.getvalue().splitlines(), err.getvalue(), status


def write(tmp_path, name, raw):
    path = tmp_path / name
    path.write_bytes(raw)
    return str(path)


@pytest.fixture
def stdin(monkeypatch):
    def feed(raw):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))

    return feed


class TestReadableLines:
    def test_it_prints_a_created_case(self, tmp_path, office, ice):
        path = write(tmp_path, "a.eml", make_email(attachments=[("warrant.pdf", PDF)]))
        lines, err, status = run(path)
        number = DisclosureRequest.objects.get().number
        assert lines == [f"created {number} (ICE ERO, sender not verified, 1 document)"]
        assert (err, status) == ("", 0)

    def test_it_prints_every_result_kind(self, tmp_path, office, ice):
        first = make_email(subject="Request", attachments=[("a.pdf", PDF), ("b.exe", b"MZ")])
        paths = [
            write(tmp_path, "1.eml", first),
            write(tmp_path, "2.eml", first),
            write(tmp_path, "3.eml", make_email(subject="Re: [DR-2026-000001]", body="More.")),
            write(tmp_path, "4.eml", make_email(sender="x@unknown.example")),
        ]
        lines, _, status = run(*paths)
        number = DisclosureRequest.objects.get().number
        assert lines[0] == (
            f"created {number} (ICE ERO, sender not verified, 1 document, 1 attachment refused)"
        )
        assert lines[1].startswith(f"duplicate {number} (already received: <request-")
        assert lines[3].startswith("quarantined (The sender's domain matches no agency")
        assert status == 0

    def test_it_prints_an_appended_reply(self, tmp_path, office, ice):
        run(write(tmp_path, "1.eml", make_email()))
        number = DisclosureRequest.objects.get().number
        lines, _, _ = run(write(tmp_path, "2.eml", make_email(subject=f"Re: [{number}]")))
        assert lines == [f"appended {number} (ICE ERO, sender not verified, 0 documents)"]


class TestJson:
    def test_it_prints_one_object_per_message_with_the_spec_fields(self, tmp_path, office, ice):
        raw = make_email(message_id="<one@ice.dhs.gov>", attachments=[("w.pdf", PDF)])
        lines, _, status = run("--json", write(tmp_path, "a.eml", raw))
        (line,) = lines
        result = json.loads(line)
        assert set(result) == SPEC_FIELDS
        assert result == {
            "message_id": "<one@ice.dhs.gov>",
            "result": "created",
            "case": DisclosureRequest.objects.get().number,
            "agency_kind": "immigration",
            "sender_verified": False,
            "documents": 1,
            "rejected_attachments": [],
            "reason": None,
        }
        assert status == 0

    def test_it_reports_refused_attachments_and_quarantine_reasons(self, tmp_path, office, ice):
        paths = [
            write(tmp_path, "a.eml", make_email(attachments=[("x.pdf", b"not a pdf")])),
            write(tmp_path, "b.eml", make_email(sender=None)),
        ]
        refused, held = (json.loads(line) for line in run("--json", *paths)[0])
        assert refused["rejected_attachments"][0]["filename"] == "x.pdf"
        assert refused["reason"].startswith("1 attachment refused")
        assert (held["result"], held["case"]) == ("quarantined", None)
        assert "no From address" in held["reason"]


class TestSources:
    def test_it_reads_one_message_from_standard_input(self, stdin, office, ice):
        stdin(make_email())
        lines, _, status = run()
        assert lines[0].startswith("created DR-")
        assert status == 0

    def test_it_reads_standard_input_for_a_dash(self, stdin, office, ice):
        stdin(make_email(sender="x@unknown.example"))
        lines, _, _ = run("--json", "-")
        assert json.loads(lines[0])["result"] == "quarantined"

    def test_it_reads_every_message_of_an_mbox(self, tmp_path, office, ice):
        box = mailbox.mbox(tmp_path / "requests.mbox")
        for n in range(3):
            box.add(make_email(subject=f"Request {n}", body="From the field office.\n"))
        box.close()
        lines, _, status = run(str(tmp_path / "requests.mbox"))
        assert len(lines) == 3
        assert all(line.startswith("created DR-") for line in lines)
        case = DisclosureRequest.objects.first()
        assert case is not None and "From the field office." in case.narrative
        assert status == 0

    def test_it_reads_new_and_cur_of_a_maildir_but_not_tmp(self, tmp_path, office, ice):
        for sub in ("new", "cur", "tmp"):
            (tmp_path / "inbox" / sub).mkdir(parents=True)
        write(tmp_path / "inbox" / "new", "1.host", make_email())
        write(tmp_path / "inbox" / "cur", "2.host:2,S", make_email())
        write(tmp_path / "inbox" / "tmp", "3.host", make_email())
        lines, _, status = run(str(tmp_path / "inbox"))
        assert len(lines) == 2
        assert DisclosureRequest.objects.count() == 2
        assert status == 0

    def test_it_keeps_mbox_and_maildir_messages_byte_for_byte(self, tmp_path, office, ice):
        raw = make_email()
        (tmp_path / "md" / "new").mkdir(parents=True)
        write(tmp_path / "md" / "new", "1.host", raw)
        _, _, _ = run("--json", str(tmp_path / "md"))
        from dmvrequests.intake.models import InboundMessage
        from dmvrequests.intake.services import read_raw

        assert read_raw(InboundMessage.objects.get()) == raw


class TestExitStatus:
    def test_it_exits_1_for_an_unreadable_path_and_processes_the_others(
        self, tmp_path, office, ice
    ):
        good = write(tmp_path, "good.eml", make_email())
        lines, err, status = run(str(tmp_path / "missing.eml"), good)
        assert status == 1
        assert f"Cannot read {tmp_path / 'missing.eml'}: no such file or folder" in err
        assert len(lines) == 1 and lines[0].startswith("created DR-")

    def test_it_exits_1_for_a_folder_that_is_not_a_maildir(self, tmp_path):
        (tmp_path / "photos").mkdir()
        _, err, status = run(str(tmp_path / "photos"))
        assert status == 1
        assert "not a Maildir" in err

    def test_it_exits_0_when_every_message_is_quarantined(self, tmp_path, office):
        _, _, status = run(write(tmp_path, "junk.eml", b"\x00\x01 binary junk"))
        assert status == 0

    def test_it_asks_for_a_retry_when_a_message_cannot_be_stored(
        self, monkeypatch, tmp_path, office, ice
    ):
        def database_down(**kwargs):
            raise OperationalError("could not connect to server")

        monkeypatch.setattr(ingest_email, "message_ingest", database_down)
        lines, err, status = run(write(tmp_path, "a.eml", make_email()))
        assert (lines, status) == ([], ingest_email.EX_TEMPFAIL)
        assert "Could not store a message" in err and "could not connect" in err


@pytest.fixture(scope="module")
def process_env(tmp_path_factory):
    """A migrated SQLite database of its own, for the command run as a real process."""
    folder = tmp_path_factory.mktemp("ingest-process")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "PRIVATE_MEDIA_ROOT": str(folder / "private-media"),
        "INTAKE_TRUSTED_AUTHSERV_ID": "mx.dmv.example.gov",
        "DJANGO_SETTINGS_MODULE": "dmvrequests.settings",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    office = "from accounts.models import Office; Office.objects.create(name='Intake', code='i')"
    for args in (["migrate", "-v0"], ["shell", "-c", office]):
        command = [*manage, *args]
        done = subprocess.run(command, env=env, capture_output=True, timeout=600)  # noqa: S603
        assert done.returncode == 0, done.stderr.decode()[-3000:]
    return manage, env


def run_process(process_env, *args, stdin=b""):
    manage, env = process_env
    command = [*manage, "ingest_email", *args]  # our own manage.py, fixed arguments
    return subprocess.run(command, env=env, input=stdin, capture_output=True, timeout=60)  # noqa: S603


class TestAsAProcess:
    def test_it_takes_a_message_piped_in_like_postfix(self, process_env):
        raw = make_email(
            headers=[
                ("Authentication-Results", "mx.dmv.example.gov; dmarc=pass header.from=ice.dhs.gov")
            ]
        )
        done = run_process(process_env, stdin=raw)
        assert done.returncode == 0, done.stderr
        assert done.stdout.decode().startswith("created DR-")
        assert "sender verified" in done.stdout.decode()

    def test_it_exits_1_without_a_traceback_for_a_missing_path(self, process_env):
        done = run_process(process_env, "--json", "/nonexistent/mail.eml")
        assert done.returncode == 1
        assert b"Cannot read /nonexistent/mail.eml" in done.stderr
        assert b"Traceback" not in done.stderr

    def test_it_quarantines_garbage_without_a_traceback(self, process_env):
        done = run_process(process_env, "--json", stdin=os.urandom(4096))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["result"] == "quarantined"
        assert b"Traceback" not in done.stderr
