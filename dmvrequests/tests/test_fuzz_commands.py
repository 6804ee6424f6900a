"""Every management command, fuzzed with hypothesis: random arguments and random standard
input end with an exit status the command documents, never with a traceback.

Each run goes through execute_from_command_line, as `python manage.py ...` does, so
argparse and CommandError behave exactly as on the command line. The working
directory is a temporary folder and file arguments are plain names in it: a
command asked to write a file writes it there.
"""

import contextlib
import io
import json
import sys
from dataclasses import dataclass
from typing import Literal
from unittest import mock

import pytest
from django.core.management import execute_from_command_line
from django.db import connections
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dmvrequests.tests.world import PDF

pytestmark = pytest.mark.django_db
EXAMPLES = 12

# Arguments a shell can pass: no NUL, no lone surrogates.
SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
TOKEN = st.text(
    alphabet=st.characters(exclude_categories=SURROGATES, exclude_characters="\x00"),
    max_size=30,
)
# A file name in the working directory: never a path that leaves it.
NAME = TOKEN.filter(lambda t: t and "/" not in t and "\\" not in t and not t.startswith((".", "-")))
FILES = {
    "request.json": json.dumps(
        {
            "received": "2026-03-02",
            "agency": {"kind": "immigration", "name": "ICE ERO"},
            "purpose": "civil_immigration_enforcement",
            "records": ["address"],
            "legal_process": [{"type": "administrative_warrant", "issuer": "immigration_officer"}],
        }
    ).encode(),
    "message.eml": (
        b"From: Officer Ana Reyes <ana.reyes@ice.dhs.gov>\r\nTo: records@dmv.example.gov\r\n"
        b"Subject: Record request\r\nMessage-ID: <fuzz@ice.dhs.gov>\r\n\r\n"
        b"Please send the address of Maria Lopez.\r\n"
    ),
    "document.pdf": PDF,
    "empty": b"",
    "garbage.bin": bytes(range(256)) * 4,
}
EXISTING = st.sampled_from([*FILES, "a-folder", "missing.json"])
DATE = st.one_of(
    st.dates().map(str),
    st.sampled_from(["2026-02-30", "yesterday", "", "2026-13-01", "99999-01-01"]),
    TOKEN,
)
SMALL = st.one_of(
    st.integers(-5, 25).map(str),
    st.sampled_from(["", "0", "1e3", "3.5", "0x10", "twelve", "١٢", "99999999999999999999"]),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
STDIN = st.one_of(
    st.binary(max_size=3000),
    JSON_VALUES.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(list(FILES.values())),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


def option(name, values):
    return st.tuples(st.just(name), values).map(list)


def argv(*parts, free=True):
    """Options in any order and number, plus (when `free`) stray tokens."""
    pieces = list(parts)
    if free:
        pieces.append(TOKEN.map(lambda t: [t]))
    return st.lists(st.one_of(*pieces), max_size=5).map(lambda groups: sum(groups, []))


@dataclass(frozen=True)
class Command:
    name: str
    exits: frozenset  # the statuses the command documents
    arguments: object  # a strategy of argument lists


COMMANDS = [
    Command(
        "policy_check",
        frozenset({0, 2}),
        argv(
            option("--profile", st.one_of(st.sampled_from(["dppa", "ny", "strict", ""]), TOKEN)),
            EXISTING.map(lambda n: [n]),
            st.just(["-"]),
        ),
    ),
    Command(
        "ingest_email",
        frozenset({0, 1, 2, 75}),
        argv(st.just(["--json"]), EXISTING.map(lambda n: [n]), st.just(["-"])),
    ),
    Command(
        "seed_demo",
        frozenset({0, 1, 2}),
        # No stray tokens: an abbreviated option could otherwise ask for anything.
        argv(option("--password-file", NAME), free=False),
    ),
    Command(
        "seed_synthetic",
        frozenset({0, 1, 2}),
        argv(
            option("--cases", SMALL),
            option("--seed", SMALL),
            option("--years", SMALL),
            free=False,
        ),
    ),
    Command(
        "export_stats",
        frozenset({0, 1, 2}),
        argv(
            option("--from", DATE),
            option("--to", DATE),
            option("--format", st.one_of(st.sampled_from(["csv", "json", "xlsx", "XLSX"]), TOKEN)),
            option("--output", NAME),
            option("--office", st.one_of(st.just("albany"), TOKEN)),
            option("--agency-kind", st.one_of(st.just("immigration"), TOKEN)),
        ),
    ),
    Command("verify_audit", frozenset({0, 1, 2}), argv(option("--chunk-size", SMALL))),
    Command(
        "apply_retention",
        frozenset({0, 1, 2}),
        argv(st.just(["--dry-run"]), option("--years", SMALL)),
    ),
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    for name, content in FILES.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "a-folder").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEMO_PASSWORD", "fuzzing-demo-password-1")
    return tmp_path


def run(name, arguments, stdin):
    """(exit status, stderr) of `manage.py name *arguments` with `stdin` as its input."""
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stderr = io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        # A command run from the command line closes the database connections as it ends;
        # here that would end the test's own transaction (SQLite's in-memory test database
        # ignores the close, PostgreSQL's does not).
        with (
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
            mock.patch.object(connections, "close_all"),
        ):
            execute_from_command_line(["manage.py", name, *arguments])
        status = 0
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.stdin = saved
    return status, stderr.getvalue()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_no_arguments_make_a_traceback(command, workdir):
    # derandomize: the same examples on every run, so that CI does not flicker; the
    # explicit examples are the inputs that broke commands before.
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(arguments=command.arguments, stdin=STDIN)
    @example(arguments=[], stdin=b"\x80\xff not UTF-8")
    @example(arguments=["-"], stdin=b"")
    @example(arguments=["empty", "garbage.bin", "a-folder", "missing.json"], stdin=b"{}")
    def check(arguments, stdin):
        status, stderr = run(command.name, arguments, stdin)
        assert status in command.exits, f"exit {status} for {arguments!r}: {stderr}"
        assert "Traceback" not in stderr

    check()
