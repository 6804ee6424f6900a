"""The same email delivered fifty times at once makes one case (PostgreSQL's row locks)."""

import threading

import pytest
from django.db import connection, connections

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest
from dmvrequests.intake.tests.conftest import PDF, make_email

# serialized_rollback like every transactional test here: a plain flush would re-run
# post_migrate, and the next serialized test could not restore its rows over those.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
COPIES = 50


def deliver_concurrently(raw):
    barrier = threading.Barrier(COPIES)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait()
            results.append(message_ingest(raw=raw, source="imap:INBOX"))
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.parametrize("message_id", ["<storm@ice.dhs.gov>", None])
def test_it_makes_one_case_of_fifty_concurrent_copies(office, ice, message_id):
    assert connection.vendor == "postgresql"
    raw = make_email(message_id=message_id, attachments=[("warrant.pdf", PDF)])
    results, errors = deliver_concurrently(raw)
    assert errors == []
    assert sorted(r.result for r in results) == ["created"] + ["duplicate"] * (COPIES - 1)
    case = DisclosureRequest.objects.get()
    assert {r.case for r in results} == {case.number}
    assert case.documents.count() == 1
    assert InboundMessage.objects.filter(result="duplicate").count() == COPIES - 1
