"""The drop folder: files left in SWITCH_LOG_DROP_DIR are imported once by the beat task and
moved to done/ or failed/ with a report; copies under way and hidden files are left alone."""

import json
import os
import time

import pytest

from dmvrequests.switchjournal.dropfolder import SETTLE_SECONDS, STALE_SECONDS, drop_folder_import
from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.tasks import switch_log_drop_folder
from dmvrequests.switchjournal.tests.journals import entry, journal

pytestmark = pytest.mark.django_db
JOURNAL = journal(
    entry("2026-03-14T09:00:00-04:00", "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),
    entry("2026-03-14T09:00:01-04:00", "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D2."),
    "not a journal line\n",
)


def later():
    return time.time() + SETTLE_SECONDS + 1


def report(path):
    return json.loads(path.with_name(path.name + ".report.json").read_text())


def test_files_are_imported_once_and_moved_with_a_report(tmp_path):
    (tmp_path / "a.txt").write_text(JOURNAL)
    (tmp_path / "b.bin").write_bytes(b"\x00\x01binary")
    (tmp_path / "c.txt.part").write_text(JOURNAL)
    (tmp_path / ".hidden").write_text(JOURNAL)
    outcomes = {o.name: o for o in drop_folder_import(tmp_path, now=later())}
    assert set(outcomes) == {"a.txt", "b.bin"}
    done, failed = outcomes["a.txt"], outcomes["b.bin"]
    assert done.status == "done" and done.path.parent == tmp_path / "done"
    summary = report(done.path)
    assert (summary["file"], summary["imported"], summary["rejected_count"]) == ("a.txt", 2, 1)
    assert summary["rejected"][0]["line"] == 9 and len(summary["sha256"]) == 64
    assert failed.status == "failed" and failed.path.parent == tmp_path / "failed"
    assert "not a text file" in report(failed.path)["error"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [".hidden", "c.txt.part"]
    assert JournalEntry.objects.count() == 2
    # The same content under another name is not imported again.
    (tmp_path / "copy.txt").write_text(JOURNAL)
    (again,) = drop_folder_import(tmp_path, now=later() + 1)
    assert again.status == "done" and "already imported" in report(again.path)["skipped"]
    assert JournalEntry.objects.count() == 2


def test_a_file_still_being_written_waits(tmp_path):
    (tmp_path / "fresh.txt").write_text(JOURNAL)
    assert drop_folder_import(tmp_path, now=time.time()) == []
    assert (tmp_path / "fresh.txt").exists()


def test_a_claim_left_by_a_dead_worker_is_taken_again(tmp_path):
    (tmp_path / "processing").mkdir()
    left = tmp_path / "processing" / "20260314T130000Z-old.txt"
    left.write_text(JOURNAL)
    old = time.time() - STALE_SECONDS - 10
    os.utime(left, (old, old))
    (outcome,) = drop_folder_import(tmp_path, now=later())
    assert (outcome.name, outcome.status) == ("old.txt", "done")
    assert not any((tmp_path / "processing").iterdir())


def test_the_beat_task_reads_the_setting(tmp_path, settings):
    settings.SWITCH_LOG_DROP_DIR = ""
    assert switch_log_drop_folder() == []
    settings.SWITCH_LOG_DROP_DIR = str(tmp_path)
    (tmp_path / "a.txt").write_text(JOURNAL)
    old = time.time() - SETTLE_SECONDS - 5
    os.utime(tmp_path / "a.txt", (old, old))
    assert switch_log_drop_folder() == [{"file": "a.txt", "status": "done"}]
    assert switch_log_drop_folder() == []
