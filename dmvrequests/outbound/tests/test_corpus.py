"""Every message of the real-world corpus (broken dates, charsets, reports…) scans without an
error; none is from the DMV, so each is ignored, and none leaves content behind."""

from pathlib import Path

import pytest

from dmvrequests.outbound.models import JournalEntry, OutboundMessage
from dmvrequests.outbound.services import journal_scan

CORPUS = Path(__file__).parents[2] / "intake" / "tests" / "corpora" / "email-mikel-mail"


@pytest.mark.django_db
def test_the_corpus_scans_without_an_error():
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")
    assert len(files) == 104
    results = {journal_scan(raw=path.read_bytes()).result for path in files}
    assert results <= {"ignored", "duplicate"}
    assert JournalEntry.objects.exists() and not OutboundMessage.objects.exists()
