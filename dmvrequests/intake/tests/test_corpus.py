"""Every message of the email-mikel-mail corpus goes through intake and ends somewhere.

The corpus (104 real-world and deliberately broken messages from the test fixtures
of the Ruby `mail` library, github.com/mikel/mail, MIT licence, see its LICENSE)
is in tests/corpora/email-mikel-mail. None of its senders is a directory agency, so
none may come out verified; several carry Authentication-Results stamped by
mx.google.com, which the tests make the trusted server to prove that a stamp
without dmarc=pass or an aligned dkim=pass verifies nothing.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from dmvrequests.agencies.models import Agency
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest, read_raw
from dmvrequests.mail.parsing import parse_message

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpora" / "email-mikel-mail"
RESULTS = {"created", "appended", "duplicate", "quarantined"}


def corpus_files():
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")


@pytest.fixture(autouse=True)
def _google_as_trusted_receiver(settings):
    settings.INTAKE_TRUSTED_AUTHSERV_ID = "mx.google.com"


def test_it_finds_the_corpus():
    assert len(corpus_files()) == 104, f"the corpus belongs at {CORPUS}"


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_it_ends_every_corpus_message_in_one_of_the_four_results(office, path):
    raw = path.read_bytes()
    result = message_ingest(raw=raw, source="file")
    assert result.result in RESULTS
    assert result.sender_verified is False
    if result.result == "quarantined":
        assert result.reason
        assert result.case is None
    message = InboundMessage.objects.get(raw_sha256=parse_message(raw).raw_sha256)
    assert read_raw(message) == raw


def test_it_files_the_whole_corpus_into_cases_when_every_domain_is_an_agency(office):
    """The case-creating path, over every broken message at once."""
    domains = {parse_message(p.read_bytes()).from_domain for p in corpus_files()} - {""}
    Agency.objects.create(
        name="Every corpus sender",
        slug="corpus",
        kind="government",
        email_domains=", ".join(sorted(domains)),
    )
    out = io.StringIO()
    call_command("ingest_email", "--json", *map(str, corpus_files()), stdout=out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(results) == 104
    assert {r["result"] for r in results} <= RESULTS
    assert not any(r["sender_verified"] for r in results)
    created = [r for r in results if r["result"] == "created"]
    assert len(created) > 60
    assert all(r["case"] and r["agency_kind"] == "government" for r in created)
    held = [r for r in results if r["result"] == "quarantined"]
    assert all(r["reason"] and r["case"] is None for r in held)
