"""The fast import's batches written in a second thread while the next is read
(batchwriter.py), their rollup rows added up in Python (batchcounts.py): the same outcome as
the plain path, and a write that fails leaves nothing of its batch and ends the import."""

import io
import sys
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection, transaction

from dmvrequests.switchjournal import batchcounts, batchwriter, fastimport, services, streammatcher
from dmvrequests.switchjournal.batchwriter import BatchWriter
from dmvrequests.switchjournal.bursts import BurstWalks
from dmvrequests.switchjournal.models import DailyCount, JournalEntry, MonthlyCount
from dmvrequests.switchjournal.tests import test_fast_import
from dmvrequests.switchjournal.tests.test_fast_import import EARLIER, LATER, START, demo

both_ways = test_fast_import.both_ways  # the fixture: imports while reading and the plain way


@pytest.fixture
def overlaps(monkeypatch):
    """How each import's writer ran: a list of `overlapping` flags, one per import."""
    seen: list[bool] = []
    made = fastimport.BatchWriter

    def recording(*, overlap, name="journal-writer"):
        writer = made(overlap=overlap, name=name)
        if name == "journal-writer":  # not the walker of bursts (Loader.walker)
            seen.append(writer.overlapping)
        return writer

    monkeypatch.setattr(fastimport, "BatchWriter", recording)
    return seen


@pytest.mark.django_db
def test_inside_a_transaction_the_batches_are_written_in_the_importing_thread(both_ways, overlaps):
    fast, plain, _ = both_ways(EARLIER, LATER)
    assert fast == plain
    assert overlaps and not any(overlaps)


# Transactional tests use serialized_rollback, as every one of the app (test_concurrent_import.py).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batches_written_beside_the_reading_give_the_plain_results(both_ways, overlaps):
    first = demo(START, 2, 1500, seed=5)
    second = demo(START + timedelta(days=4), 2, 1500, seed=6)
    fast, plain, summaries = both_ways(first, second, EARLIER)
    assert fast == plain
    assert [s["imported"] for s in summaries[:2]] == [1500, 1500]
    assert overlaps[:2] == [True, True]  # the two imports that matched while reading
    assert not [t for t in threading.enumerate() if t.name.startswith("journal-writer")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_stored_meanwhile_found_by_the_writers_thread_goes_the_plain_way(
    both_ways, overlaps, monkeypatch
):
    # As if another import had stored the file after the check that it is new: the writer's
    # COPY meets the unique key, and its batch is stored the plain way instead.
    monkeypatch.setattr(fastimport, "_newer_than_stored", lambda first: True)
    fast, plain, summaries = both_ways(LATER, LATER)
    assert fast == plain
    assert summaries[1]["duplicates"] == summaries[1]["entries"]
    assert overlaps[0] is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_that_fails_leaves_nothing_of_its_batch_and_ends_the_import(monkeypatch):
    monkeypatch.setattr(services, "PG_BATCH", 200)
    calls = []
    add_counts = batchcounts.add_counts

    def failing(cursor, counts):
        calls.append(len(counts))
        add_counts(cursor, counts)  # the batch's rows and counts are written...
        if len(calls) == 3:
            raise OperationalError("the server went away")  # ...and its transaction fails

    monkeypatch.setattr(batchcounts, "add_counts", failing)
    text = demo(START, 2, 1500, seed=5)
    with pytest.raises(OperationalError):
        services.journal_import(io.BytesIO(text.encode()), name="broken.txt")
    stored = JournalEntry.objects.count()
    assert len(calls) == 3
    assert 0 < stored < 1500
    # Whole batches only: the rollups count exactly the rows stored.
    assert sum(DailyCount.objects.values_list("messages", flat=True)) == stored
    assert sum(MonthlyCount.objects.values_list("messages", flat=True)) == stored
    assert not [t for t in threading.enumerate() if t.name.startswith("journal-writer")]


def test_the_writer_raises_a_failed_write_at_collect_in_both_modes():
    for overlap in (False, True):
        writer = BatchWriter(overlap=overlap)
        writer.submit(lambda: 5)
        assert writer.collect() == 5

        def broken() -> int:
            raise OperationalError("no")

        writer.submit(broken)
        with pytest.raises(OperationalError):
            writer.collect()
        writer.submit(lambda: 1)
        with pytest.raises(RuntimeError):
            writer.submit(lambda: 2)  # one write at a time
        writer.close()  # waits for the write not collected; the thread ends
        assert writer.overlapping is False


def test_writers_threads_shorten_the_switch_interval_and_the_last_one_out_gives_it_back():
    usual = sys.getswitchinterval()
    plain = BatchWriter(overlap=False)
    assert sys.getswitchinterval() == usual  # no second thread: nothing to hand over
    plain.close()
    first, second = BatchWriter(overlap=True), BatchWriter(overlap=True)
    assert sys.getswitchinterval() == min(batchwriter.HANDOFF, usual)
    first.submit(lambda: 1)

    def broken() -> int:
        raise OperationalError("no")

    second.submit(broken)
    first.close()
    assert sys.getswitchinterval() == min(batchwriter.HANDOFF, usual)  # the second still runs
    second.close()  # its write failed and was never collected: the interval comes back all the same
    assert sys.getswitchinterval() == usual


@pytest.mark.parametrize(
    "zone, around",
    [
        ("America/New_York", datetime(2026, 3, 8, tzinfo=UTC)),  # spring forward, 02:00
        ("America/New_York", datetime(2026, 11, 1, tzinfo=UTC)),  # fall back, 02:00
        ("America/Sao_Paulo", datetime(2018, 11, 4, tzinfo=UTC)),  # midnight did not exist
        ("America/Sao_Paulo", datetime(2019, 2, 17, tzinfo=UTC)),  # midnight came twice
        ("Pacific/Apia", datetime(2011, 12, 30, tzinfo=UTC)),  # a day skipped
    ],
)
def test_local_days_are_the_zone_s_dates_across_clock_changes(zone, around):
    days = batchcounts.LocalDays(zone)
    moment = around - timedelta(days=2)
    while moment < around + timedelta(days=2):
        assert days.of(moment) == moment.astimezone(ZoneInfo(zone)).date(), moment
        moment += timedelta(minutes=15)


def test_day_counts_sum_each_party_s_day_and_key_with_its_flags():
    def row(when, direction, sender, destination, key, flags):
        image, name_only, partial, blocked, carries, leak = flags
        return [when, direction, 1, key, sender, destination, "", "TXT", 7, "federal"] + [
            image,
            name_only,
            partial,
            blocked,
            False,
            carries,
            leak,
            direction == "OUT",
        ]

    late = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)  # 23:30 on 2 March in New York
    rows = [
        row(late, "IN", "DCICE0100", "NY", "DQ", (True, False, False, True, False, False)),
        row(late, "IN", "DCICE0100", "NY", "DQ", (True, True, False, False, False, False)),
        row(late + timedelta(hours=1), "IN", "DCICE0100", "NY", "DQ", (False,) * 6),
        row(late, "OUT", "NY0000000", "DCICE0100", "DR", (False, False, False, False, True, True)),
    ]
    counts = sorted(batchcounts.day_counts(rows, "America/New_York"), key=str)
    march_2, march_3 = datetime(2026, 3, 2).date(), datetime(2026, 3, 3).date()
    assert counts == sorted(
        [
            [march_2, "IN", "DCICE0100", "DQ", 7, "federal", 2, 2, 1, 0, 1, 0, 0],
            [march_3, "IN", "DCICE0100", "DQ", 7, "federal", 1, 0, 0, 0, 0, 0, 0],
            [march_2, "OUT", "DCICE0100", "DR", 7, "federal", 1, 0, 0, 0, 0, 1, 1],
        ],
        key=str,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_setting_off_writes_in_the_importing_thread(settings, overlaps):
    settings.SWITCH_IMPORT_OVERLAP = False
    summary = services.journal_import(io.BytesIO(LATER.encode()), name="later.txt")
    assert summary.imported == summary.entries - 1  # one duplicate in the file
    assert overlaps == [False]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_writer_analyses_each_finished_month_while_the_file_is_read_on(monkeypatch):
    from dmvrequests.switchjournal import partitions
    from dmvrequests.switchjournal.tests.journals import unanalysed_partitions

    monkeypatch.setattr(services, "PG_BATCH", 200)
    analysed: list[tuple[str, tuple[int, int] | None, list[str]]] = []
    analyse = partitions.analyse_new_months

    def recording(before=None):
        names = analyse(before=before)
        analysed.append((threading.current_thread().name, before, names))
        return names

    monkeypatch.setattr(fastimport, "analyse_new_months", recording)
    # March from the 2nd to July: the batches written from April, May and June on find the
    # month before them finished; July, still open when the file ends, is analysed at the end.
    text = demo(START, 140, 3000, seed=7)
    services.journal_import(io.BytesIO(text.encode()), name="months.txt")
    in_writer = [(before, names) for thread, before, names in analysed if thread != "MainThread"]
    assert [before for before, _ in in_writer] == [(2026, 4), (2026, 5), (2026, 6), (2026, 7)]
    assert [names for _, names in in_writer] == [
        [partitions.partition_name(2026, month)] for month in (3, 4, 5, 6)
    ]
    assert unanalysed_partitions() == 0


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_new_months_are_analysed_with_a_small_sample_of_the_columns_the_pages_read():
    from dmvrequests.switchjournal import partitions

    text = demo(START, 3, 2000, seed=8)
    services.journal_import(io.BytesIO(text.encode()), name="march.txt")
    name = partitions.partition_name(2026, 3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT attname FROM pg_stats WHERE tablename = %s", [name])
        analysed = {row[0] for row in cursor.fetchall()}
    assert {"timestamp", "direction", "sender_ori", "destination", "block_leak"} <= analysed
    assert not analysed & {"text", "control", "sequence", "id", "query_id"}
    assert _one("SELECT reltuples FROM pg_class WHERE relname = %s", [name]) > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_fast_path_takes_its_ids_as_ranges_that_the_sequence_moves_past(monkeypatch):
    monkeypatch.setattr(streammatcher, "IDS_AT_ONCE", 700)
    text = demo(START, 2, 1500, seed=9)
    summary = services.journal_import(io.BytesIO(text.encode()), name="ids.txt")
    ids = sorted(JournalEntry.objects.values_list("id", flat=True))
    assert len(ids) == summary.imported == 1500
    # Three ranges of 700 were taken (1,500 ids), in file order: the ids grow with the file.
    assert ids[-1] - ids[0] == len(ids) - 1
    last = _one("SELECT pg_sequence_last_value(%s::regclass)", [streammatcher.SEQUENCE])
    assert last == ids[0] + 3 * 700 - 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_batches_commit_without_waiting_for_the_disk_but_never_the_caller_s_transaction(
    monkeypatch,
):
    settings_seen: list[str] = []
    write = fastimport._write_new

    def recording(*args, **kwargs):
        stored = write(*args, **kwargs)
        settings_seen.append(_one("SHOW synchronous_commit"))
        return stored

    monkeypatch.setattr(fastimport, "_write_new", recording)
    monkeypatch.setattr(services, "PG_BATCH", 300)
    # Inside the caller's transaction the batches are written in the importing thread: no
    # batch may turn off the wait for the caller's commit.
    with transaction.atomic():
        services.journal_import(io.BytesIO(demo(START, 2, 1200, seed=10).encode()), name="a")
        assert _one("SHOW synchronous_commit") == "on"
    assert settings_seen and set(settings_seen) == {"on"}
    assert connection.in_atomic_block is False


@pytest.fixture
def burst_alerts(monkeypatch):
    """The new bursts each import alerted on, (ORI, start, end, queries) in order."""
    alerted: list[list[tuple]] = []
    alerts = services.import_alerts

    def recording(*, after_id, new_bursts, name):
        alerted.append([(b.ori, b.start, b.end, b.queries) for b in new_bursts])
        return alerts(after_id=after_id, new_bursts=new_bursts, name=name)

    monkeypatch.setattr(services, "import_alerts", recording)
    return alerted


@pytest.fixture
def walks_beside(monkeypatch):
    """The threads the walks of bursts beside the reading ran in."""
    threads: list[str] = []
    walk = BurstWalks.walk_beside

    def recording(self, oris, since):
        threads.append(threading.current_thread().name)
        return walk(self, oris, since)

    monkeypatch.setattr(BurstWalks, "walk_beside", recording)
    return threads


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_bursts_walked_after_each_finished_month_give_the_plain_bursts_and_alerts(
    both_ways, burst_alerts, walks_beside
):
    # Three months and a half, then a file that starts where the first ends (its first month
    # is walked again with the first file's queries), in batches of 40 (the fixture's).
    first = demo(START, 100, 3000, seed=11)
    second = demo(START + timedelta(days=101), 40, 1200, seed=12)
    fast, plain, _ = both_ways(first, second)
    assert fast == plain
    assert fast[3], "demo traffic has bursts"
    fast_alerts, plain_alerts = burst_alerts[:2], burst_alerts[2:]
    assert fast_alerts == plain_alerts
    assert sum(len(alerted) for alerted in fast_alerts) == len(fast[3])
    # Walked beside the reading after the months each file finished while on the fast path
    # (demo traffic leaves it where a control field is answered before its query).
    assert len(walks_beside) >= 3
    assert set(walks_beside) == {"journal-bursts_0"}  # beside the writer's thread
    assert not [t for t in threading.enumerate() if t.name.startswith("journal-")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_walk_beside_the_reading_that_fails_is_made_good_at_the_end(
    both_ways, burst_alerts, monkeypatch
):
    from dmvrequests.switchjournal import bursts

    find = bursts._find_bursts
    calls = []

    def failing_once(oris, since):
        calls.append(threading.current_thread().name)
        if len(calls) == 2:
            raise OperationalError("the server went away")
        return find(oris, since)

    monkeypatch.setattr(bursts, "_find_bursts", failing_once)
    fast, plain, _ = both_ways(demo(START, 100, 3000, seed=11))
    assert fast == plain
    assert burst_alerts[0] == burst_alerts[1]
    assert calls[1] == "journal-bursts_0"  # the walk that failed ran beside the reading


@pytest.mark.django_db
def test_the_walks_of_an_import_tell_only_the_bursts_that_were_not_there_before(settings):
    from dmvrequests.switchjournal.models import Burst
    from dmvrequests.switchjournal.tests.journals import stored_queries

    settings.SWITCH_BURST_MIN_QUERIES = 3
    ori = "DCICE0100"
    old = START - timedelta(days=1)
    stored_queries(old, 3, ori=ori)
    BurstWalks().walk([ori], old)
    assert list(Burst.objects.values_list("ori", "start")) == [(ori, old)]
    # Queries stored in two batches, walked after each: the first walk makes a burst, the
    # second removes it and makes a longer one from the same start; the old burst stays.
    walks = BurstWalks()
    stored_queries(START, 3, ori=ori)
    walks.walk([ori], START)
    stored_queries(START + timedelta(seconds=3), 2, ori=ori)
    walks.walk([ori], START + timedelta(seconds=3))
    assert [(b.ori, b.start, b.queries) for b in walks.new()] == [(ori, START, 5)]
    # The old burst, removed and made again by a walk from before it, is not new.
    again = BurstWalks()
    again.walk([ori], old)
    assert again.new() == []
    assert Burst.objects.count() == 2
