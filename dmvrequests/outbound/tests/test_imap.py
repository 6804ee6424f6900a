"""The journal poll against a real IMAP server (marked `imap`; DMV_TEST_IMAP_URL names it).

The tests use a folder of their own, `Journal`, on the server of DMV_TEST_IMAP_URL (email
intake's tests use its INBOX): they empty it, deliver staff email by IMAP APPEND, run
`poll_journal`, and check what is stored and the \\Seen flags on the server.
"""

import os
from urllib.parse import urlparse, urlunparse

import pytest
from imapclient import SEEN, IMAPClient

from dmvrequests.mail.imap import mailbox_address
from dmvrequests.outbound import services, tasks
from dmvrequests.outbound.models import JournalEntry, OutboundMessage, ScanResult
from dmvrequests.outbound.tests.conftest import PDF, journal_report, staff_email
from dmvrequests.testing import make_case

JOURNAL_FOLDER = "Journal"

pytestmark = [pytest.mark.imap, pytest.mark.django_db]


def journal_url() -> str:
    url = os.environ.get("DMV_TEST_IMAP_URL")
    if not url:
        pytest.fail(
            "Set DMV_TEST_IMAP_URL, e.g. imap://intake:intake-test-password@127.0.0.1:10143/INBOX"
        )
    return urlunparse(urlparse(url)._replace(path="/" + JOURNAL_FOLDER))


def connect(url: str) -> IMAPClient:
    address = mailbox_address(url)
    client = IMAPClient(address.host, port=address.port, ssl=address.ssl, timeout=30)
    client.login(address.username, address.password)
    return client


@pytest.fixture
def journal(settings):
    """A client on the emptied Journal folder, which the poll reads (OUTBOUND_IMAP_URL)."""
    url = journal_url()
    settings.OUTBOUND_IMAP_URL = url
    client = connect(url)
    if not client.folder_exists(JOURNAL_FOLDER):
        client.create_folder(JOURNAL_FOLDER)
    client.select_folder(JOURNAL_FOLDER)
    leftovers = client.search(["ALL"])
    if leftovers:
        client.delete_messages(leftovers)
        client.expunge()
    yield client
    client.logout()


def seen(client) -> set[int]:
    flags = client.get_flags(client.search(["ALL"]))
    return {uid for uid, found in flags.items() if SEEN in found}


def subjects_stored() -> set[str]:
    return set(OutboundMessage.objects.values_list("subject", flat=True))


def test_each_result_is_committed_before_its_message_is_marked_seen(
    journal, office, clerk, monkeypatch
):
    case = make_case(office=office, actor=clerk)
    flagged = staff_email(subject="The address", body="DOB 1/2/1980, plate ABC1234")
    linked = staff_email(subject=f"Re: [{case.number}]", attachments=[("a.pdf", PDF)])
    ignored = staff_email(to="friend@example.com", subject="Lunch", body="DOB 1/2/1980")
    bcc_only = staff_email(to="friend@example.com", subject="Tip", body="SSN 123-45-6789")
    report = journal_report(
        bcc_only,
        envelope="Sender: pat.clerk@dmv.example.gov\nMessage-Id: <x>\n"
        "To: friend@example.com\nBcc: agent@ice.dhs.gov\n",
    )
    for raw in (flagged, linked, ignored, report):
        journal.append(JOURNAL_FOLDER, raw)
    uids = journal.search(["ALL"])
    assert len(uids) == 4 and seen(journal) == set()

    # Right after each scan commits, only the messages before it are seen on the server:
    # its own flag is set only after journal_scan has returned.
    watcher = connect(journal_url())
    watcher.select_folder(JOURNAL_FOLDER, readonly=True)
    seen_after_commit = []
    real_scan = services.journal_scan

    def scan_then_look(*, raw, source):
        outcome = real_scan(raw=raw, source=source)
        assert JournalEntry.objects.filter(result=outcome.result).exists()
        seen_after_commit.append(len(seen(watcher)))
        return outcome

    monkeypatch.setattr(tasks, "journal_scan", scan_then_look)
    assert tasks.poll_journal() == {"scanned": 4, "failed": 0}
    watcher.logout()
    assert seen_after_commit == [0, 1, 2, 3]
    assert seen(journal) == set(uids)
    results = sorted(JournalEntry.objects.values_list("result", flat=True))
    assert results == ["flagged", "flagged", "ignored", "linked"]
    assert subjects_stored() == {"The address", f"Re: [{case.number}]", "Tip"}
    assert OutboundMessage.objects.get(subject="Tip").recipients["bcc"] == ["agent@ice.dhs.gov"]
    assert OutboundMessage.objects.get(subject=f"Re: [{case.number}]").case == case
    assert JournalEntry.objects.get(result="ignored").source == f"imap:{JOURNAL_FOLDER}"


def test_a_failure_in_the_middle_loses_nothing_and_a_repoll_is_harmless(
    journal, office, monkeypatch
):
    first = staff_email(subject="First", body="DOB 1/2/1980")
    breaks = staff_email(subject="Breaks while stored", body="SSN 123-45-6789")
    last = staff_email(to="agent@fbi.gov", subject="Last", body="plate ABC1234")
    for raw in (first, breaks, last):
        journal.append(JOURNAL_FOLDER, raw)
    uids = journal.search(["ALL"])

    # The storage fails half-way through the second message's transaction (after its
    # journal entry and item were written): the transaction rolls back, the message
    # stays unseen, and the poll goes on with the next one.
    real_alert = services.alert_if_immigration

    def alert_failing_on_one(item):
        if item.subject == "Breaks while stored":
            raise RuntimeError("database went away")
        return real_alert(item)

    monkeypatch.setattr(services, "alert_if_immigration", alert_failing_on_one)
    assert tasks.poll_journal() == {"scanned": 2, "failed": 1}
    assert seen(journal) == {uids[0], uids[2]}
    assert subjects_stored() == {"First", "Last"}
    assert JournalEntry.objects.count() == 2

    # The next poll picks up what failed, and only that.
    monkeypatch.setattr(services, "alert_if_immigration", real_alert)
    assert tasks.poll_journal() == {"scanned": 1, "failed": 0}
    assert seen(journal) == set(uids)
    assert subjects_stored() == {"First", "Breaks while stored", "Last"}

    # A crash between a commit and its flag: the server says unseen again. Polling again
    # records duplicates and stores nothing new.
    journal.remove_flags(uids, [SEEN])
    assert tasks.poll_journal() == {"scanned": 3, "failed": 0}
    assert seen(journal) == set(uids)
    assert OutboundMessage.objects.count() == 3
    assert JournalEntry.objects.count() == 3
    assert sorted(JournalEntry.objects.values_list("duplicates", flat=True)) == [1, 1, 1]
    assert not JournalEntry.objects.exclude(result=ScanResult.FLAGGED).exists()
