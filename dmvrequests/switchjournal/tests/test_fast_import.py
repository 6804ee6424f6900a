"""Matching responses while the journal is read (fastimport.py) gives what the plain path gives
(rows stored and matched afterwards): the same rows and flags, the same matches, the same block
leaks, daily counts and bursts, on demo traffic and on journals that leave the fast path half
way (a step back in time, a duplicate, a control field answered before its query)."""

import io
from datetime import UTC, datetime, timedelta

import pytest

from dmvrequests.agencies.models import OriBlock
from dmvrequests.switchjournal import fastimport, services
from dmvrequests.switchjournal.generate import LEAKING_ORI, traffic
from dmvrequests.switchjournal.models import Burst, DailyCount, JournalEntry, MonthlyCount
from dmvrequests.switchjournal.tests.journals import entry, journal

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 8, tzinfo=UTC)


def demo(start, days, entries, seed):
    end = start + timedelta(days=days)
    return "".join(text for _, text in traffic(entries=entries, seed=seed, start=start, end=end))


def outcome():
    """Everything an import decides, by the messages' own keys (ids differ between runs)."""
    rows = {row["id"]: row for row in JournalEntry.objects.values()}

    def key(row):
        return (row["timestamp"], row["direction"], row["sequence"], row["sender_ori"])

    messages = {}
    for row in rows.values():
        query = rows.get(row["query_id"]) if row["query_id"] else None
        fields = {name: value for name, value in row.items() if name not in ("id", "query_id")}
        messages[key(row)] = {**fields, "query": key(query) if query else None}
    daily = sorted(tuple(r.values())[1:] for r in DailyCount.objects.values().order_by())
    monthly = sorted(tuple(r.values())[1:] for r in MonthlyCount.objects.values().order_by())
    bursts = sorted(tuple(b.values())[1:] for b in Burst.objects.values().order_by())
    return messages, daily, monthly, bursts


@pytest.fixture
def both_ways(monkeypatch):
    """Import the journals (str) one after the other while reading, then again into an empty
    journal the plain way; returns (outcome while reading, plain outcome, summaries of each)."""
    monkeypatch.setattr(services, "PG_BATCH", 40)  # many batches: queries written before answers
    monkeypatch.setattr(services, "BATCH", 40)
    matched_after = []
    plain_match = services.journal_match_responses

    def counting():
        matched_after.append(plain_match())
        return matched_after[-1]

    monkeypatch.setattr(services, "journal_match_responses", counting)

    def run(*journals):
        results = []
        for fast in (True, False):
            JournalEntry.objects.all().delete()
            DailyCount.objects.all().delete()
            MonthlyCount.objects.all().delete()
            Burst.objects.all().delete()
            summaries = [
                services.journal_import(
                    io.BytesIO(text.encode()), name=f"{n}.txt", match_while_reading=fast
                ).as_dict()
                for n, text in enumerate(journals)
            ]
            results.append((outcome(), summaries))
        (fast_outcome, fast_summaries), (plain_outcome, plain_summaries) = results
        assert fast_summaries == plain_summaries
        return fast_outcome, plain_outcome, fast_summaries

    run.matched_after = matched_after  # type: ignore[attr-defined]
    return run


def test_demo_traffic_in_two_files_gives_the_same_rows_matches_leaks_and_counts(both_ways):
    OriBlock.objects.create(ori=LEAKING_ORI, reason="Blocked", effective_at=START)
    leak = START + timedelta(days=2, hours=1)
    first = demo(START, 2, 1500, seed=5) + journal(
        "",
        entry(leak, "IN", 9001, f"DQ.{LEAKING_ORI}.NY.TXT", "OLN/D7654321."),
        entry(
            leak + timedelta(seconds=2),
            "OUT",
            9002,
            f"DR.NY0000000.{LEAKING_ORI}.TXT",
            "OLN/D7654321.STS/VALID.",
        ),
    )
    second = demo(START + timedelta(days=4), 2, 1500, seed=6)
    fast, plain, summaries = both_ways(first, second)
    assert fast == plain
    messages, daily, monthly, bursts = fast
    assert [s["imported"] for s in summaries] == [1502, 1500]
    assert sum(1 for m in messages.values() if m["query"]) > 1000
    assert any(m["block_leak"] for m in messages.values())
    assert daily and monthly and bursts


T = "2026-03-14T09:{:02d}:{:02d}-04:00"


def at(minute, second=0):
    return T.format(minute, second)


def dq(when, sequence, ori="NY0010100", control=""):
    header = f"DQ.{ori}.NY.{control}.TXT" if control else f"DQ.{ori}.NY.TXT"
    return entry(when, "IN", sequence, header, f"OLN/D{sequence:07d}.")


def dr(when, sequence, ori="NY0010100", control="", text="OLN/D1.STS/VALID."):
    header = f"DR.NY0000000.{ori}.{control}.TXT" if control else f"DR.NY0000000.{ori}.TXT"
    return entry(when, "OUT", sequence, header, text)


EARLIER = journal(
    dq(at(0), 1, control="C42"),
    dq(at(1), 2),
    dr(at(1, 30), 3),
)
# Two responses for one query, a response older than any query, ties in time, a control
# field whose query is in the earlier file, a duplicate entry, a query answered across batches.
LATER = journal(
    dr(at(20), 10, ori="DCICE0100"),
    dq(at(21), 11),
    dq(at(21), 12),
    dr(at(21), 13),
    dr(at(21, 5), 14),
    dr(at(21, 6), 15),
    dr(at(21, 7), 16, control="C42"),
    dq(at(22), 17),
    dq(at(22), 17),
    *[dq(at(23, s), 20 + s, ori="DCHSI0030") for s in range(50)],
    dr(at(24), 80, ori="DCHSI0030"),
    dr(at(24), 81, ori="DCHSI0030", text="NO RECORD."),
)


def test_edge_cases_give_the_plain_results_and_stay_on_the_fast_path(both_ways):
    fast, plain, _ = both_ways(EARLIER, LATER)
    assert fast == plain
    messages = fast[0]
    answered_by_control = [m for m in messages.values() if m["sequence"] == 16]
    assert answered_by_control[0]["query"][2] == 1  # the query of the earlier file


def test_a_step_back_in_time_after_batches_were_written_gives_the_plain_results(both_ways):
    back = journal(
        *[dq(at(30, s), 100 + 2 * s) for s in range(0, 60, 2)],
        *[dr(at(30, s + 1), 101 + 2 * s) for s in range(0, 60, 2)],
        *[dq(at(40, s), 200 + s, ori="NY0020200") for s in range(40)],
        dr(at(40, 50), 300, ori="NY0020200"),
        dq(at(30, 59), 301),  # ten minutes back: the fast path cannot tell any more
        dr(at(41), 302),
    )
    fast, plain, _ = both_ways(EARLIER, back)
    assert fast == plain


def test_a_control_field_answered_before_its_query_and_a_second_import_give_the_plain_results(
    both_ways,
):
    early_answer = journal(
        dq(at(30), 1),
        dr(at(30, 1), 2, control="C77"),  # its query comes later in the file
        dq(at(30, 5), 3, control="C77"),
        dr(at(30, 6), 4),
    )
    fast, plain, summaries = both_ways(EARLIER, early_answer, early_answer)
    assert fast == plain
    assert summaries[2]["duplicates"] == 4


@pytest.mark.postgres
def test_on_postgresql_in_order_traffic_is_matched_while_read_and_a_step_back_leaves(both_ways):
    both_ways(EARLIER, LATER)
    # While reading: nothing left for the plain matching after each file; then the plain run.
    assert both_ways.matched_after[:2] == [0, 0]
    assert both_ways.matched_after[2:] == [1, 5]
    both_ways.matched_after.clear()
    both_ways(journal(dq(at(30), 1), dr(at(30, 1), 2), dq(at(10), 3), dr(at(10, 1), 4)))
    assert both_ways.matched_after == [2, 2]
    both_ways.matched_after.clear()
    both_ways(demo(START, 1, 600, seed=7))  # responses up to seconds after later queries
    assert both_ways.matched_after[0] == 0 and both_ways.matched_after[1] > 250


def test_a_message_stored_meanwhile_sends_the_batch_the_plain_way(both_ways, monkeypatch):
    # As if another import had stored part of the file after the check that it is new.
    monkeypatch.setattr(fastimport, "_newer_than_stored", lambda first: True)
    fast, plain, summaries = both_ways(LATER, LATER)
    assert fast == plain
    assert summaries[1]["duplicates"] == summaries[1]["entries"]


@pytest.mark.postgres
def test_control_fields_held_once_or_several_times_give_the_plain_matches(both_ways):
    # A lone query held with its control field (the shortcut of _by_control), two queries of
    # one ORI with the same control field (the rule picks the later one before the response),
    # and the same control field sent by two ORIs; all matched while reading.
    controls = journal(
        dq(at(30), 1, control="C1"),
        dr(at(30, 2), 2, control="C1"),
        dq(at(31), 3, control="C2"),
        dq(at(31, 20), 4, control="C2"),
        dr(at(31, 30), 5, control="C2"),
        dq(at(32), 6, ori="NY0020200", control="C3"),
        dq(at(32, 1), 7, control="C3"),
        dr(at(32, 5), 8, control="C3"),
        dr(at(32, 6), 9, ori="NY0020200", control="C3"),
    )
    fast, plain, _ = both_ways(EARLIER, controls)
    assert fast == plain
    assert both_ways.matched_after[:2] == [0, 0]  # the fast path held to the end
    answer = {m["sequence"]: m["query"] and m["query"][2] for m in fast[0].values()}
    assert (answer[2], answer[5], answer[8], answer[9]) == (1, 4, 7, 6)
