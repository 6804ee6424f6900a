"""The IMAP poller against a real server (marked `imap`; DMV_TEST_IMAP_URL names it).

The test empties the mailbox it is given, delivers messages by IMAP APPEND, runs
poll_imap, and checks the cases and the \\Seen flags on the server.
"""

import os

import pytest
from imapclient import SEEN, IMAPClient

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.intake import tasks
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.tasks import mailbox_address, poll_imap
from dmvrequests.intake.tests.conftest import PDF, make_email


class TestMailboxAddress:
    def test_it_reads_an_imaps_url_with_escaped_credentials(self):
        address = mailbox_address("imaps://intake%40dmv:p%2Fss@mail.example.gov/Requests%202026")
        assert address == tasks.MailboxAddress(
            host="mail.example.gov",
            port=993,
            ssl=True,
            username="intake@dmv",
            password="p/ss",
            mailbox="Requests 2026",
        )

    def test_it_defaults_to_plain_imap_port_and_inbox(self):
        address = mailbox_address("imap://u:p@127.0.0.1:10143")
        assert (address.port, address.ssl, address.mailbox) == (10143, False, "INBOX")


@pytest.mark.django_db
def test_it_does_nothing_without_imap_url(settings):
    settings.IMAP_URL = ""
    assert poll_imap() == {"ingested": 0, "failed": 0, "skipped": "IMAP_URL is not set"}


@pytest.fixture
def imap(settings):
    """A connected client on the test mailbox, emptied first; the poller uses the same URL."""
    url = os.environ.get("DMV_TEST_IMAP_URL")
    if not url:
        pytest.fail(
            "Set DMV_TEST_IMAP_URL, e.g. imap://intake:intake-test-password@127.0.0.1:10143/INBOX"
        )
    settings.IMAP_URL = url
    address = mailbox_address(url)
    client = IMAPClient(address.host, port=address.port, ssl=address.ssl, timeout=30)
    client.login(address.username, address.password)
    client.select_folder(address.mailbox)
    leftovers = client.search(["ALL"])
    if leftovers:
        client.delete_messages(leftovers)
        client.expunge()
    yield client, address.mailbox
    client.logout()


def seen(client):
    return {uid for uid, flags in client.get_flags(client.search(["ALL"])).items() if SEEN in flags}


@pytest.mark.imap
@pytest.mark.django_db
def test_it_ingests_unseen_mail_and_flags_it_only_once_committed(imap, office, ice, monkeypatch):
    client, mailbox = imap
    request = make_email(subject="Request by mail", attachments=[("warrant.pdf", PDF)])
    stranger = make_email(sender="someone@unknown.example", subject="Hello")
    poison = make_email(subject="Breaks the ingestion")
    for raw in (request, stranger, poison):
        client.append(mailbox, raw)
    uids = client.search(["ALL"])
    assert len(uids) == 3 and seen(client) == set()

    real_ingest = tasks.message_ingest

    def ingest_failing_on_poison(*, raw, source):
        if b"Breaks the ingestion" in raw:
            raise RuntimeError("database went away")
        return real_ingest(raw=raw, source=source)

    monkeypatch.setattr(tasks, "message_ingest", ingest_failing_on_poison)
    assert poll_imap() == {"ingested": 2, "failed": 1}
    assert seen(client) == set(uids[:2])
    case = DisclosureRequest.objects.get()
    assert case.documents.count() == 1
    assert "Request by mail" in case.narrative
    held = InboundMessage.objects.get(result="quarantined")
    assert (held.subject, held.source) == ("Hello", f"imap:{mailbox}")

    # The next poll picks up what failed, and only that.
    monkeypatch.setattr(tasks, "message_ingest", real_ingest)
    assert poll_imap() == {"ingested": 1, "failed": 0}
    assert seen(client) == set(uids)
    assert DisclosureRequest.objects.count() == 2
    assert InboundMessage.objects.count() == 3


@pytest.mark.imap
@pytest.mark.django_db
def test_it_answers_duplicate_for_mail_delivered_again(imap, office, ice):
    client, mailbox = imap
    raw = make_email()
    client.append(mailbox, raw)
    poll_imap()
    # A crash between the commit and the flag: the server still says unseen.
    client.remove_flags(client.search(["ALL"]), [SEEN])
    client.append(mailbox, raw)
    assert poll_imap() == {"ingested": 2, "failed": 0}
    assert DisclosureRequest.objects.count() == 1
    assert InboundMessage.objects.filter(result="duplicate").count() == 2


@pytest.mark.imap
@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_polls_the_mailbox(imap, office, ice):
    """The beat task as it runs in production: sent to Redis, run by a Celery worker."""
    from dmvrequests.testing_celery import broker, redis_url, wait_for, worker

    client, mailbox = imap
    client.append(
        mailbox, make_email(subject="Records for Maria Lopez", attachments=[("w.pdf", PDF)])
    )
    client.append(mailbox, make_email(subject="Records for John Smith"))
    with (
        worker(redis_url(), environment={"IMAP_URL": os.environ["DMV_TEST_IMAP_URL"]}),
        broker(redis_url()),
    ):
        poll_imap.delay()
        assert wait_for(lambda: InboundMessage.objects.count() == 2), "the worker ingested nothing"
        assert wait_for(lambda: len(seen(client)) == 2), "messages were not flagged \\Seen"
    assert DisclosureRequest.objects.count() == 2
    assert sorted(DisclosureRequest.objects.values_list("channel", flat=True)) == ["email", "email"]
