"""Two imports at once on PostgreSQL (the upload job and the drop folder, two workers) take
turns on the journal's import lock: an import waiting for it has stored nothing, and two
imports of overlapping files started together store what one after the other stores, in one
order or the other (fastimport.import_lock)."""

import io
import threading
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection

from dmvrequests.switchjournal import fastimport, services
from dmvrequests.switchjournal.models import Burst, DailyCount, JournalEntry, MonthlyCount
from dmvrequests.switchjournal.tests.test_fast_import import START, demo, outcome

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback as every transactional test here: a plain flush lets post_migrate
    # add the content types again, which the next serialized test then adds twice.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FIRST = demo(START, 2, 2000, seed=21)
# Overlapping: the whole of FIRST again, then two days more.
SECOND = FIRST + demo(START + timedelta(days=3), 2, 2000, seed=22)


def empty_journal():
    for model in (JournalEntry, DailyCount, MonthlyCount, Burst):
        model.objects.all().delete()


def imported(text, name, results):
    try:
        results[name] = services.journal_import(io.BytesIO(text.encode()), name=name).as_dict()
    finally:
        connection.close()  # the thread's own connection


def other_session():
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    )


def waiting_for_the_lock(session) -> bool:
    found = session.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objid = %s",
        [fastimport.IMPORT_LOCK],
    ).fetchone()
    return bool(found and found[0])


def test_an_import_waits_for_the_lock_and_has_stored_nothing_meanwhile(monkeypatch):
    matched_after = []
    plain_match = services.journal_match_responses
    monkeypatch.setattr(
        services, "journal_match_responses", lambda: matched_after.append(plain_match())
    )
    results: dict[str, dict] = {}
    with other_session() as other:
        other.execute("SELECT pg_advisory_lock(%s)", [fastimport.IMPORT_LOCK])
        worker = threading.Thread(target=imported, args=(FIRST, "first.txt", results))
        worker.start()
        for _ in range(600):  # until the import asks for the lock (at most a minute)
            if waiting_for_the_lock(other):
                break
            time.sleep(0.1)
        assert waiting_for_the_lock(other)
        assert not JournalEntry.objects.exists() and not results
        other.execute("SELECT pg_advisory_unlock(%s)", [fastimport.IMPORT_LOCK])
        worker.join()
    assert results["first.txt"]["imported"] == results["first.txt"]["entries"] > 0
    # Alone once it held the lock: matched while reading, nothing left for afterwards.
    assert matched_after == [0]


@pytest.mark.parametrize("files", [(FIRST, SECOND), (SECOND, SECOND)])
def test_two_imports_at_once_store_what_one_after_the_other_stores(files, monkeypatch):
    # Many small batches, each its own transaction: two imports side by side interleave.
    monkeypatch.setattr(services, "PG_BATCH", 40)
    monkeypatch.setattr(services, "MATCH_CHUNK", 40)
    results: dict[str, dict] = {}
    workers = [
        threading.Thread(target=imported, args=(text, f"{n}.txt", results))
        for n, text in enumerate(files)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    together = outcome()
    assert sum(r["imported"] for r in results.values()) == JournalEntry.objects.count()
    one_after_the_other = []
    for order in (files, files[::-1]):
        empty_journal()
        for n, text in enumerate(order):
            services.journal_import(io.BytesIO(text.encode()), name=f"{n}.txt")
        one_after_the_other.append(outcome())
    assert together in one_after_the_other
    messages, daily, monthly, bursts = together
    assert sum(1 for m in messages.values() if m["query"]) > 500 and daily and monthly
