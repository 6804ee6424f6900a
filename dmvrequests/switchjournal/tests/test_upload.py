"""Uploading a journal as administrators do: the form as rendered, the background import
(in-process here, as in development), its progress page and JSON, its report with the rejected
lines; files that cannot be imported refused with a message and nothing stored."""

import gzip

import pytest
from django.urls import reverse
from webtest import Upload

from dmvrequests.switchjournal.models import JournalEntry, JournalUpload, UploadStatus
from dmvrequests.switchjournal.tests.journals import entry, journal
from dmvrequests.switchjournal.uploads import upload_run

pytestmark = pytest.mark.django_db

JOURNAL = journal(
    entry("2026-03-14T09:12:44-04:00", "IN", 1, "DQ.DCICE0100.NY.C1.TXT", "OLN/D1234567.IMQ/Y."),
    entry("2026-03-14T09:12:46-04:00", "OUT", 2, "DR.NY0000000.DCICE0100.C1.TXT", "OLN/D1."),
    "2026-03-14T09:13:00-04:00 SIDEWAYS 3\nDQ.NY0010100.NY.TXT\nOLN/D2.\n",
)


def send(django_app, user, name, content, capture):
    page = django_app.get(reverse("network:upload"), user=user)
    form = page.forms[1]
    form["journal"] = Upload(name, content, "application/octet-stream")
    with capture(execute=True):
        return form.submit()


def test_an_upload_is_imported_with_its_report(
    django_app, administrator, django_capture_on_commit_callbacks
):
    response = send(
        django_app, administrator, "march.txt", JOURNAL.encode(), django_capture_on_commit_callbacks
    )
    job = JournalUpload.objects.get()
    assert response.location.endswith(reverse("network:upload_job", args=[job.pk]))
    page = response.follow()
    assert job.name == "march.txt" and job.requested_by == administrator
    assert 'http-equiv="refresh"' not in page.text
    assert page.html.select_one("progress")["value"] == "100"
    report = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True)
        for tr in page.html.select("#import-report tr")
    }
    assert report == {
        "Messages read": "3",
        "New messages stored": "2",
        "Already imported (skipped)": "0",
        "Rejected": "1",
    }
    rejected = page.html.select("#rejected-lines tbody tr")
    assert rejected[0].th.get_text() == "9"
    assert "does not start with a journal line" in rejected[0].td.get_text()
    assert JournalEntry.objects.count() == 2
    status = django_app.get(reverse("network:upload_status", args=[job.pk]), user=administrator)
    assert status.json["status"] == "done" and status.json["percent"] == 100
    assert status.json["summary"]["imported"] == 2
    listed = django_app.get(reverse("network:upload"), user=administrator)
    assert "Imported: 2 new messages" in listed.text


def test_a_gzip_file_uploaded_again_is_harmless(
    django_app, administrator, django_capture_on_commit_callbacks
):
    data = gzip.compress(JOURNAL.encode())
    for _ in range(2):
        send(django_app, administrator, "march.txt.gz", data, django_capture_on_commit_callbacks)
    second = JournalUpload.objects.order_by("requested_at").last()
    assert second is not None
    assert second.summary["imported"] == 0 and second.summary["duplicates"] == 2
    assert JournalEntry.objects.count() == 2


def test_a_queued_upload_shows_its_progress_and_refreshes(
    django_app, administrator, django_capture_on_commit_callbacks
):
    page = django_app.get(reverse("network:upload"), user=administrator)
    form = page.forms[1]
    form["journal"] = Upload("april.txt", JOURNAL.encode(), "text/plain")
    with django_capture_on_commit_callbacks(execute=False):
        page = form.submit().follow()
    assert 'http-equiv="refresh" content="2"' in page.text
    assert "Waiting to start: 0 %" in page.text
    job = JournalUpload.objects.get()
    done = upload_run(job.pk)
    assert done is not None and done.status == UploadStatus.DONE
    assert upload_run(job.pk) is None  # run twice: the second does nothing


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "not a text file"),
        ("broken.gz", b"\x1f\x8b\x08\x00garbage", "cannot be read as a journal"),
        (
            "wrong.csv",
            b"timestamp,direction,sequence,key\n2026-03-14T09:12:44Z,IN,1,DQ\n",
            "is not the header timestamp,direction,sequence,message_key",
        ),
        # Named CSV, yet not starting with the header: refused as a CSV, not read as text.
        ("export.csv", b"foo,bar\n1,2\n", "is not the header timestamp,direction"),
        ("empty.txt", b"", "The file is empty"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_and_nothing_stored(
    django_app, administrator, django_capture_on_commit_callbacks, name, content, message
):
    page = django_app.get(reverse("network:upload"), user=administrator)
    form = page.forms[1]
    form["journal"] = Upload(name, content, "application/octet-stream")
    page = form.submit(status=400)
    assert message in page.text
    assert not JournalUpload.objects.exists() and not JournalEntry.objects.exists()


def test_no_file_says_what_to_do(django_app, administrator):
    page = django_app.get(reverse("network:upload"), user=administrator)
    page = page.forms[1].submit(status=400)
    assert "Choose the journal file to upload." in page.text


def test_only_administrators_upload(django_app, counsel):
    django_app.get(reverse("network:upload"), user=counsel, status=403)


def test_a_file_whose_only_line_is_rejected_says_nothing_was_imported(
    django_app, administrator, django_capture_on_commit_callbacks
):
    sideways = "2026-03-14T09:13:00-04:00 SIDEWAYS 3\nDQ.NY0010100.NY.TXT\nOLN/D2.\n"
    response = send(
        django_app, administrator, "bad.txt", sideways.encode(), django_capture_on_commit_callbacks
    )
    page = response.follow()
    alert = page.html.select_one("#nothing-imported")
    assert "usa-alert--warning" in alert["class"]
    assert alert.h2.get_text() == "Nothing was imported from this file"
    assert "Every message of the file was rejected (1)." in alert.get_text()
    assert "usa-alert--success" not in page.text
    assert "the other entries read were imported" not in page.text
    assert page.html.select("#rejected-lines tbody tr")
    assert not JournalEntry.objects.exists()
    listed = django_app.get(reverse("network:upload"), user=administrator)
    assert "Nothing imported" in listed.text
