"""`manage.py policy_check`, to the letter of docs/policy-check.md."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from dmvrequests.policy.engine import RESULT_FIELDS
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.tests.builders import document, immigration_request, make_request

pytestmark = pytest.mark.django_db

NY_I200 = immigration_request(documents=[document("administrative_warrant", "immigration_officer")])


def policy_check(*args, stdin=None, monkeypatch=None):
    """(exit code, stdout, stderr) of the command, run in-process on the test database."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("policy_check", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)  # the command exits with a number
    return code, out.getvalue(), err.getvalue()


def write(tmp_path, content, name="request.json"):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


class TestGoodInput:
    def test_it_evaluates_one_request_from_a_file(self, tmp_path):
        code, out, err = policy_check("--profile", "ny", write(tmp_path, NY_I200))
        assert (code, err) == (0, "")
        result = json.loads(out)
        assert tuple(result) == RESULT_FIELDS
        assert result["decision"] == "deny"
        assert result["subject_notice"] == {
            "required": True,
            "due": "2026-03-05",
            "days": 3,
            "unit": "calendar",
        }
        assert {"INSUFFICIENT_PROCESS", "NONJUDICIAL_PROCESS"} <= {
            f["code"] for f in result["findings"]
        }

    def test_it_answers_a_list_with_a_list(self, tmp_path):
        requests = [NY_I200, make_request()]
        code, out, _ = policy_check("--profile", "ny", write(tmp_path, requests))
        results = json.loads(out)
        assert code == 0
        assert [r["decision"] for r in results] == ["deny", "eligible"]

    def test_it_answers_an_empty_list_with_an_empty_list(self, tmp_path):
        code, out, _ = policy_check(write(tmp_path, []))
        assert (code, json.loads(out)) == (0, [])

    def test_it_reads_standard_input_by_default(self, monkeypatch):
        code, out, _ = policy_check(stdin=json.dumps(NY_I200), monkeypatch=monkeypatch)
        assert code == 0
        assert json.loads(out)["profile"] == "dppa"  # the active profile after migration

    def test_it_reads_standard_input_for_a_dash(self, monkeypatch):
        code, out, _ = policy_check(
            "--profile", "il", "-", stdin=json.dumps(NY_I200), monkeypatch=monkeypatch
        )
        assert code == 0
        assert json.loads(out)["subject_notice"]["unit"] == "business"

    def test_it_uses_the_active_profile(self, tmp_path):
        PolicyProfile.objects.update(is_active=False)
        PolicyProfile.objects.filter(slug="strict").update(is_active=True)
        code, out, _ = policy_check(write(tmp_path, make_request(bulk=True)))
        assert json.loads(out)["profile"] == "strict"
        assert json.loads(out)["decision"] == "deny"

    def test_it_prints_one_result_per_file(self, tmp_path):
        first = write(tmp_path, NY_I200, "first.json")
        second = write(tmp_path, [make_request()], "second.json")
        code, out, _ = policy_check("--profile", "ny", first, second)
        decoder, position, documents = json.JSONDecoder(), 0, []
        while position < len(out.strip()):
            document_, position = decoder.raw_decode(out, position)
            documents.append(document_)
            position += 1
        assert code == 0
        assert documents[0]["decision"] == "deny"
        assert [r["decision"] for r in documents[1]] == ["eligible"]

    def test_it_prints_the_findings_of_the_spec_only(self, tmp_path):
        request = make_request(records=["place_of_birth", "address"])
        _, out, _ = policy_check("--profile", "co", write(tmp_path, request))
        findings = json.loads(out)["findings"]
        assert [set(f) for f in findings] == [{"code", "severity", "message", "citation"}]


BAD_INPUT = [
    ("invalid-json", '{"received": "2026-03-02",', "invalid JSON at line 1"),
    ("not-an-object", "42", "request"),
    ("unknown-enum", {**NY_I200, "purpose": "deportation"}, "purpose"),
    ("unknown-agency-kind", {**NY_I200, "agency": {"kind": "ice"}}, "agency.kind"),
    ("missing-field", {k: v for k, v in NY_I200.items() if k != "records"}, "records"),
    ("malformed-date", {**NY_I200, "received": "2026/03/02"}, "received"),
    ("unknown-key", {**NY_I200, "emergncy": True}, "emergncy"),
    (
        "bad-issuer-in-list",
        [
            make_request(),
            {**NY_I200, "legal_process": [{"type": "court_order", "issuer": "judge"}]},
        ],
        "[1].legal_process[0].issuer",
    ),
    ("repeated-key", '{"bulk": true, "bulk": false}', "bulk"),
]


class TestBadInput:
    @pytest.mark.parametrize(
        "content, field", [pytest.param(c, f, id=name) for name, c, f in BAD_INPUT]
    )
    def test_it_exits_2_naming_the_field_and_prints_nothing(self, tmp_path, content, field):
        code, out, err = policy_check("--profile", "ny", write(tmp_path, content))
        assert code == 2
        assert out == ""
        assert field in err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err

    def test_it_refuses_an_unknown_profile(self, tmp_path):
        code, out, err = policy_check("--profile", "narnia", write(tmp_path, NY_I200))
        assert (code, out) == (2, "")
        assert "--profile" in err and "narnia" in err and "ny" in err

    def test_it_refuses_an_unreadable_file(self, tmp_path):
        code, out, err = policy_check(str(tmp_path / "missing.json"))
        assert (code, out) == (2, "")
        assert "missing.json" in err

    def test_it_refuses_a_file_that_is_not_text(self, tmp_path):
        path = tmp_path / "scan.pdf"
        path.write_bytes(b"\xff\xfe\x00%PDF")
        code, out, err = policy_check(str(path))
        assert (code, out) == (2, "")
        assert "scan.pdf" in err and "UTF-8" in err

    def test_it_prints_nothing_when_a_later_file_is_bad(self, tmp_path):
        good = write(tmp_path, NY_I200, "good.json")
        bad = write(tmp_path, "{", "bad.json")
        code, out, err = policy_check("--profile", "ny", good, bad)
        assert (code, out) == (2, "")
        assert "bad.json" in err

    def test_it_refuses_empty_standard_input(self, monkeypatch):
        code, out, err = policy_check(stdin="", monkeypatch=monkeypatch)
        assert (code, out) == (2, "")
        assert "standard input" in err


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """A real database file for the command run as its own process."""
    path = tmp_path_factory.mktemp("policy-check") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "POLICY_PROFILE": "ny"}
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(manage), "migrate", "-v0", "--skip-checks"], env=env, check=True
    )
    return env, manage


@pytest.mark.parametrize(
    "stdin, code",
    [(json.dumps(NY_I200), 0), (json.dumps({**NY_I200, "agency": {"kind": "ice"}}), 2)],
    ids=["good", "bad"],
)
def test_it_exits_with_the_spec_codes_from_the_command_line(migrated_database, stdin, code):
    env, manage = migrated_database
    completed = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(manage), "policy_check"],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == code
    if code == 0:
        assert json.loads(completed.stdout)["profile"] == "ny"  # POLICY_PROFILE at migration
        assert completed.stderr == ""
    else:
        assert completed.stdout == ""
        assert completed.stderr.strip() == (
            "policy_check: standard input: agency.kind: 'ice' is not an agency kind; use one "
            "of: immigration, federal_law_enforcement, state_law_enforcement, "
            "local_law_enforcement, prosecutor, court, motor_vehicle_agency, government, private"
        )


def test_it_answers_non_utf8_standard_input_with_exit_2(migrated_database):
    env, manage = migrated_database
    completed = subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, str(manage), "policy_check"],
        input=b"\xff\xfe{not json",
        env=env,
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == b""
    assert b"not UTF-8" in completed.stderr and b"Traceback" not in completed.stderr
