"""Uploading a journal as administrators do: the form as rendered, the background import
(in-process here, as in development), its progress page and JSON, its report with the rejected
lines; files that cannot be imported refused with a message and nothing stored."""

import errno
import gzip
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.urls import reverse
from webtest import Upload

from dmvrequests.switchjournal import uploads
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
    assert 'http-equiv="refresh"' not in page.text and "job-progress.js" not in page.text
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
    assert not page.html.select("#broken-off")  # a whole file: the success alert
    assert page.html.select_one(".usa-alert--success h2").get_text() == "Imported"
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
    # Kept current by a script polling status.json; a refresh only without JavaScript (no
    # <meta> refresh for a reader with scripts: WCAG 2.2.1, axe's "meta-refresh").
    box = page.html.select_one("#upload-progress")
    assert box["data-job-status-url"].endswith("/status.json") and box["data-finished"] == "false"
    assert page.html.select_one('script[src$="js/job-progress.js"]') is not None
    assert page.html.select_one("noscript").find("meta")["http-equiv"] == "refresh"
    assert page.html.select_one("head > meta[http-equiv]") is None
    assert "Waiting to start: 0 % of the file read" in page.text
    # The label the script keeps current is a polite live region: a screen reader says it.
    label = page.html.select_one("label[for=progress-bar]")
    assert label["aria-live"] == "polite" and label["data-job-text"] == "progress_text"
    status = django_app.get(box["data-job-status-url"], user=administrator).json
    assert status["progress_text"] == "Waiting to start: 0 % of the file read"
    job = JournalUpload.objects.get()
    JournalUpload.objects.filter(pk=job.pk).update(status=UploadStatus.RUNNING, bytes_read=job.size)
    status = django_app.get(box["data-job-status-url"], user=administrator).json
    assert status["percent"] == 99  # not 100 % until the import ends
    assert status["progress_text"] == (
        "Importing: the whole file read; storing the last messages and counting"
    )
    JournalUpload.objects.filter(pk=job.pk).update(status=UploadStatus.QUEUED, bytes_read=0)
    job = JournalUpload.objects.get()
    # When it was uploaded, in the state's time zone with its abbreviation (EST or EDT).
    uploaded = page.html.select_one("h1").find_next("p").time.get_text()
    assert uploaded.endswith((" EST", " EDT"))
    listed = django_app.get(reverse("network:upload"), user=administrator)
    assert listed.html.select_one("tbody time").get_text().endswith((" EST", " EDT"))
    done = upload_run(job.pk)
    assert done is not None and done.status == UploadStatus.DONE
    assert upload_run(job.pk) is None  # run twice: the second does nothing


README = (
    b"# Switch journal tools\n\nThis folder holds the nightly exports of the state switch.\n"
    b"Run export.sh after midnight; the files go to the legal unit.\n"
)
SIDEWAYS = b"2026-03-14T09:13:00-04:00 SIDEWAYS 3\nDQ.NY0010100.NY.TXT\nOLN/D2.\n"
HEADER = b"timestamp,direction,sequence,message_key,sender_ori,destination,control,text\n"
# 8 KB of blank lines, then the gzip stream ends: no entry before the break.
CUT_BEFORE_ANY_ENTRY = gzip.compress(b"\n" * 40000 + JOURNAL.encode(), mtime=0)[:60]
BIG = 3 * 1024 * 1024  # past Django's 2.5 MB in memory: the upload is a temporary file
NOT_A_JOURNAL = "is not a journal of the switch: the file holds no entry of the journal"
WHAT_TO_SEND = (
    "Upload the journal as the switch exported it: the text journal, whose entries start with "
    "a line TIMESTAMP IN|OUT SEQUENCE and the Nlets header KEY.ORI.DESTINATION.TXT, or its "
    "CSV, whose first line is the header "
    "timestamp,direction,sequence,message_key,sender_ori,destination,control,text."
)


def said(page):
    """The page's words, spaces made one."""
    return " ".join(page.html.get_text().split())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "not a text file"),
        (
            "broken.gz",
            b"\x1f\x8b\x08\x00garbage",
            "broken.gz cannot be read as a journal: the compressed file is cut short: it ends "
            "before its end marker. Send the whole file again, as the switch exported it.",
        ),
        # Whole but for its last bytes, within the first block read: refused, in words.
        ("small.txt.gz", gzip.compress(JOURNAL.encode())[:-3], "small.txt.gz cannot be read"),
        (
            "wrong.csv",
            b"timestamp,direction,sequence,key\n2026-03-14T09:12:44Z,IN,1,DQ\n",
            "is not the header timestamp,direction,sequence,message_key",
        ),
        # Named CSV, yet not starting with the header: refused as a CSV, not read as text.
        ("export.csv", b"foo,bar\n1,2\n", "is not the header timestamp,direction"),
        ("empty.txt", b"", "The file is empty"),
        # Text, but not a journal: no entry of its start has the journal's form.
        (
            "README.md",
            README,
            f"README.md {NOT_A_JOURNAL} (the first problem, at line 1: the entry does not start "
            "with a journal line TIMESTAMP IN|OUT SEQUENCE (e.g. 2026-03-14T09:12:44-04:00 IN "
            f"1042)). {WHAT_TO_SEND}",
        ),
        (
            "agencies.txt",
            b"name,kind,oris\nICE,immigration,DCICE*\n",
            f"agencies.txt {NOT_A_JOURNAL}",
        ),
        ("notes.txt.gz", gzip.compress(README), f"notes.txt.gz {NOT_A_JOURNAL}"),
        ("sideways.txt", SIDEWAYS, "(the first problem, at line 1: the entry does not start"),
        (
            "rows.csv",
            HEADER + b"2026-03-14T09:12:44-04:00,IN,1,DQ\n",
            f"rows.csv {NOT_A_JOURNAL} (the first problem, at line 2: the row has 4 columns, "
            "not 8).",
        ),
        ("header.csv", HEADER, f"header.csv {NOT_A_JOURNAL}. Upload the journal"),
        (
            "late.txt",
            README * 700 + b"\n" + JOURNAL.encode(),
            "late.txt is not a journal of the switch: the start of the file (its first 64 KB) "
            "holds no entry of the journal",
        ),
        ("big-notes.txt", README * (BIG // len(README)), "its first 64 KB) holds no entry"),
        # Named .gz, but plain text (even a journal's): not a gzip file, as the command says.
        (
            "march.txt.gz",
            JOURNAL.encode(),
            "march.txt.gz is not a gzip file: its name ends .gz, but its content is not "
            "compressed. Upload the gzip file the switch exported, or the plain journal under "
            "its own name (without .gz).",
        ),
        ("MARCH.TXT.GZ", JOURNAL.encode(), "MARCH.TXT.GZ is not a gzip file"),
        ("big.txt.gz", JOURNAL.encode() * (BIG // len(JOURNAL)), "big.txt.gz is not a gzip file"),
        (
            "cut.txt.gz",
            CUT_BEFORE_ANY_ENTRY,
            "cut.txt.gz breaks off before its first entry: the compressed file is cut short: it "
            "ends before its end marker. Send the whole file again, as the switch exported it.",
        ),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_and_nothing_stored(
    django_app, administrator, tmp_path, name, content, message
):
    page = django_app.get(reverse("network:upload"), user=administrator)
    form = page.forms[1]
    form["journal"] = Upload(name, content, "application/octet-stream")
    page = form.submit(status=400)
    assert message in said(page)
    summary = page.html.select_one(".usa-error-message, .usa-alert--error")
    assert summary is not None and message[:20] in " ".join(summary.get_text().split())
    assert not JournalUpload.objects.exists() and not JournalEntry.objects.exists()
    assert not [path for path in (tmp_path / "private-media").rglob("*") if path.is_file()]


def test_a_journal_with_broken_lines_at_its_start_is_accepted(
    django_app, administrator, django_capture_on_commit_callbacks
):
    text = b"just some words\n\n" + SIDEWAYS + b"\n" + JOURNAL.encode()
    page = send(django_app, administrator, "march.txt", text, django_capture_on_commit_callbacks)
    page = page.follow()
    assert page.html.select_one(".usa-alert--success h2").get_text() == "Imported"
    lines = [tr.th.get_text() for tr in page.html.select("#rejected-lines tbody tr")]
    assert lines == ["1", "3", "15"]
    assert JournalEntry.objects.count() == 2


def test_no_file_says_what_to_do(django_app, administrator):
    page = django_app.get(reverse("network:upload"), user=administrator)
    page = page.forms[1].submit(status=400)
    assert "Choose the journal file to upload." in page.text


def test_only_administrators_upload(django_app, counsel):
    django_app.get(reverse("network:upload"), user=counsel, status=403)


def test_a_file_whose_only_entry_is_rejected_says_nothing_was_imported(
    django_app, administrator, django_capture_on_commit_callbacks
):
    # Of the journal's form, so accepted, but dated tomorrow (the switch's clock): rejected.
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    late = entry(tomorrow, "IN", 3, "DQ.NY0010100.NY.TXT", "OLN/D2.")
    response = send(
        django_app, administrator, "late.txt", late.encode(), django_capture_on_commit_callbacks
    )
    page = response.follow()
    alert = page.html.select_one("#nothing-imported")
    assert "usa-alert--warning" in alert["class"]
    assert alert.h2.get_text() == "Nothing was imported from this file"
    assert "Every message of the file was rejected (1)." in alert.get_text()
    label = page.html.select_one("label[for=progress-bar]").get_text()
    assert label == "Nothing imported: the import has ended"  # not "Imported: 100 %"
    advice = " ".join(page.html.select_one("#rejected-lines").find_previous("p").get_text().split())
    assert "Correct them in the file and upload it again" in advice and "broke off" not in advice
    assert "usa-alert--success" not in page.text and not page.html.select("#broken-off")
    assert "the other entries read were imported" not in page.text
    (rejected,) = page.html.select("#rejected-lines tbody tr")
    assert rejected.th.get_text() == "1" and "is in the future" in rejected.td.get_text()
    assert not JournalEntry.objects.exists()
    listed = django_app.get(reverse("network:upload"), user=administrator)
    assert "Nothing imported" in listed.text and "broke off" not in listed.text


# -- A file that breaks off part-way -------------------------------------------------------------

EDT = timezone(timedelta(hours=-4))


def queries(count, first=0):
    """`count` DQ queries, one a second from 09:00 on 14 March 2026, their text over two lines:
    five lines an entry (the blank one included), entry i starting at line 5 i + 1."""
    start = datetime(2026, 3, 14, 9, 0, tzinfo=EDT)
    return journal(
        *(
            entry(start + timedelta(seconds=i), "IN", i, "DQ.NY0010100.NY.TXT", text_of(i))
            for i in range(first, first + count)
        )
    )


def text_of(sequence):
    return f"NAM/DOE,JANE{sequence}.\nOLN/D{sequence:07d}."


def all_whole():
    """Every stored message holds its whole text (none cut by the break)."""
    return all(
        text == text_of(seq) for seq, text in JournalEntry.objects.values_list("sequence", "text")
    )


def said_in_part(page, stored, line, cause):
    """The job's page says the file was imported in part, where it broke off, what was
    stored and what to do, as a warning (not the success alert)."""
    alert = page.html.select_one("#broken-off")
    assert "usa-alert--warning" in alert["class"] and alert["role"] == "status"
    assert alert.h2.get_text() == "Imported in part: the file broke off"
    words = " ".join(alert.get_text().split())
    assert f"The file breaks off at line {line:,}: {cause}." in words
    assert (
        f"From the entries before that line, {stored:,} new messages were stored; nothing "
        "after it could be read." in words
    )
    assert (
        "What to do: upload the whole file again, as the switch exported it (take a new copy "
        "from the switch if this one was cut short on its way). Importing it again is harmless: "
        "the messages already imported are skipped and only the rest is stored." in words
    )
    assert "usa-alert--success" not in page.text
    label = page.html.select_one("label[for=progress-bar]").get_text()
    assert label == "Imported in part: the import has ended"
    last = page.html.select("#rejected-lines tbody tr")[-1]
    assert last.th.get_text() == f"{line:,}" and "the file breaks off here" in last.td.get_text()
    # The rejected lines' advice is the break's: send the whole file, not "correct the line".
    advice = " ".join(page.html.select_one("#rejected-lines").find_previous("p").get_text().split())
    assert "The last line is where the file broke off" in advice and "whole file" in advice
    assert "Correct them in the file" not in advice


def test_a_gzip_cut_short_is_imported_in_part_and_sending_it_whole_stores_the_rest(
    django_app, administrator, django_capture_on_commit_callbacks
):
    packed = gzip.compress(queries(4000).encode())
    response = send(
        django_app,
        administrator,
        "march.txt.gz",
        packed[: len(packed) // 2],
        django_capture_on_commit_callbacks,
    )
    page = response.follow()
    stored = JournalEntry.objects.count()
    assert 1000 < stored < 4000 and all_whole()
    job = JournalUpload.objects.get()
    cause = "the compressed file is cut short: it ends before its end marker"
    # The break is numbered at the first entry not stored; every entry before it is stored.
    line = 5 * stored + 1
    assert job.status == UploadStatus.DONE
    assert job.summary["broken_off"] == {"line": line, "cause": cause}
    said_in_part(page, stored, line, cause)
    status = django_app.get(reverse("network:upload_status", args=[job.pk]), user=administrator)
    assert (status.json["status"], status.json["status_label"]) == ("done", "Imported in part")
    assert status.json["summary"]["broken_off"]["line"] == line
    listed = django_app.get(reverse("network:upload"), user=administrator)
    assert f"Imported in part: {stored:,} new messages; the file broke off" in said(listed)

    page = send(
        django_app, administrator, "march.txt.gz", packed, django_capture_on_commit_callbacks
    ).follow()
    again = JournalUpload.objects.order_by("requested_at").last()
    assert again is not None
    assert (again.summary["imported"], again.summary["duplicates"]) == (4000 - stored, stored)
    assert "broken_off" not in again.summary and not page.html.select("#broken-off")
    assert page.html.select_one(".usa-alert--success h2").get_text() == "Imported"
    assert JournalEntry.objects.count() == 4000 and all_whole()
    listed = django_app.get(reverse("network:upload"), user=administrator)
    assert f"Imported: {4000 - stored:,} new messages" in said(listed)


def damaged(data):
    """`data` gzipped, its checksum (the trailer's CRC-32) wrong: read whole, then refused."""
    packed = bytearray(gzip.compress(data))
    packed[-8] ^= 0xFF
    return bytes(packed)


def test_a_damaged_gzip_sent_again_says_nothing_new_was_stored_and_the_file_broke_off(
    django_app, administrator, django_capture_on_commit_callbacks
):
    data = damaged(queries(1200).encode())
    for _ in range(2):
        page = send(
            django_app, administrator, "march.txt.gz", data, django_capture_on_commit_callbacks
        ).follow()
    first, second = JournalUpload.objects.order_by("requested_at")
    # What was read before the checksum was found wrong, but for the last entry read (the
    # break may have cut it).
    stored = first.summary["imported"]
    assert 1000 < stored < 1200 and JournalEntry.objects.count() == stored and all_whole()
    cause = "the compressed file is damaged: its content does not match its checksum"
    assert first.broken_off == {"line": 5 * stored + 1, "cause": cause}
    alert = page.html.select_one("#broken-off")
    assert alert.h2.get_text() == "Nothing was imported: the file broke off"
    label = page.html.select_one("label[for=progress-bar]").get_text()
    assert label == "Nothing imported: the import has ended"
    words = " ".join(alert.get_text().split())
    assert f"The file breaks off at line {5 * stored + 1:,}: {cause}." in words
    assert (
        "No new message was stored from the entries before that line "
        f"({stored:,} already imported, skipped); nothing after it could be read." in words
    )
    assert not page.html.select("#nothing-imported") and "usa-alert--success" not in page.text
    listed = said(django_app.get(reverse("network:upload"), user=administrator))
    assert "Nothing imported; the file broke off" in listed
    assert f"Imported in part: {stored:,} new messages; the file broke off" in listed
    assert second.summary["duplicates"] == stored


class FailingFile(io.BufferedReader):
    """A stored file whose reading fails after `lines` lines (a disk's read error)."""

    def __init__(self, path, lines):
        super().__init__(io.FileIO(path))
        self.left = lines

    def __next__(self):
        if not self.left:
            raise OSError(errno.EIO, "Input/output error")
        self.left -= 1
        return super().__next__()


def test_a_read_error_part_way_is_a_break_off(
    django_app, administrator, django_capture_on_commit_callbacks, monkeypatch
):
    page = django_app.get(reverse("network:upload"), user=administrator)
    form = page.forms[1]
    form["journal"] = Upload("march.txt", queries(100).encode(), "text/plain")
    with django_capture_on_commit_callbacks(execute=False):
        form.submit()
    job = JournalUpload.objects.get()
    # Line 53, the text of entry 10, cannot be read: entries 0 to 9 are stored.
    monkeypatch.setattr(uploads, "open_journal", lambda path: FailingFile(path, 52))
    done = upload_run(job.pk)
    assert done is not None and done.status == UploadStatus.DONE
    assert JournalEntry.objects.count() == 10 and all_whole()
    page = django_app.get(reverse("network:upload_job", args=[job.pk]), user=administrator)
    words = " ".join(page.html.select_one("#broken-off").get_text().split())
    assert "The file breaks off at line 51: the file could not be read further (OSError)." in words
    assert "From the entries before that line, 10 new messages were stored" in words


def test_a_break_after_more_than_100_rejected_lines_is_still_said(
    django_app, administrator, django_capture_on_commit_callbacks
):
    text = journal(queries(1), *[SIDEWAYS.decode()] * 150, queries(3000, first=1000))
    packed = gzip.compress(text.encode())
    page = send(
        django_app,
        administrator,
        "march.txt.gz",
        packed[: len(packed) * 3 // 4],
        django_capture_on_commit_callbacks,
    ).follow()
    job = JournalUpload.objects.get()
    assert job.summary["rejected_count"] == 151 and len(job.summary["rejected"]) == 100
    assert not any("breaks off" in item["reason"] for item in job.summary["rejected"])
    assert page.html.select_one("#broken-off h2").get_text() == (
        "Imported in part: the file broke off"
    )


def test_an_upload_imported_before_the_break_was_kept_apart_is_said_in_part(
    django_app, administrator
):
    reason = (
        "the file breaks off here: the compressed file is cut short: it ends before its end "
        "marker. The entries before this line are imported; send the whole file again (entries "
        "already imported are skipped)"
    )
    summary = {"file": "old.txt.gz", "entries": 1500, "imported": 1500, "duplicates": 0}
    summary |= {"rejected_count": 1, "rejected": [{"line": 6001, "reason": reason}]}
    job = JournalUpload.objects.create(
        name="old.txt.gz", requested_by=administrator, status=UploadStatus.DONE, summary=summary
    )
    page = django_app.get(reverse("network:upload_job", args=[job.pk]), user=administrator)
    words = " ".join(page.html.select_one("#broken-off").get_text().split())
    assert "The file breaks off at line 6,001: the compressed file is cut short: it ends" in words
    listed = django_app.get(reverse("network:upload"), user=administrator)
    assert "Imported in part: 1,500 new messages; the file broke off" in said(listed)
