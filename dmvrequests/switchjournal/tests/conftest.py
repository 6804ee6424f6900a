import json
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command

from dmvrequests.switchjournal import figurecache
from dmvrequests.switchjournal.tasks import DROP_LOCK


@pytest.fixture(autouse=True)
def _no_cached_figures(monkeypatch):
    """Each test starts with no cached figures of the section (figurecache.py): a test that
    writes the journal straight through the ORM gives it no new generation. The figures are
    kept under a prefix of the test's own, not emptied with `cache.clear()`: on Redis that
    empties the database every test worker shares, figures another test has just cached
    included (which made a test that reads them twice fail now and then)."""
    monkeypatch.setattr(figurecache, "PREFIX", f"{figurecache.PREFIX}:test-{uuid.uuid4().hex}")
    cache.delete(DROP_LOCK)
    yield
    cache.delete(DROP_LOCK)


@pytest.fixture
def import_log(tmp_path, capsys):
    """Run import_switch_log --json on `text` (str or bytes) written to a file; returns
    (exit code, [per-file objects], stderr)."""

    def run(text, name="journal.txt", *more):
        path = tmp_path / name
        if isinstance(text, str):
            text = text.encode()
        path.write_bytes(text)
        code: int | str | None = 0  # SystemExit.code
        try:
            call_command("import_switch_log", "--json", str(path), *more)
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, [json.loads(line) for line in out.splitlines() if line.strip()], err

    return run


@pytest.fixture
def stats(capsys):
    def run(date_from, date_to):
        call_command("switch_log_stats", "--json", "--from", date_from, "--to", date_to)
        return json.loads(capsys.readouterr().out)

    return run
