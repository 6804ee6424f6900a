"""`manage.py switch_log_stats` and the rules behind its figures (docs/network-queries.md):
dates in the state's time zone, bursts, response matching, refused responses, block leaks,
blocks starting mid-month, attribution of an ORI after its queries were imported."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from dmvrequests.agencies.models import OriBlock
from dmvrequests.switchjournal.bursts import find_bursts
from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.tests.journals import entry, journal, query_run
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def test_stats_of_an_empty_period_list_every_agency_kind(stats):
    result = stats("2026-03-01", "2026-03-31")
    assert result["queries"] == result["responses"] == result["block_leaks"] == 0
    assert result["by_agency_kind"]["unknown"] == 0
    assert result["by_agency_kind"]["immigration"] == 0
    assert result["bursts"] == [] and result["by_ori"] == [] and result["by_message_key"] == {}
    assert list(result) == [
        "queries",
        "responses",
        "by_message_key",
        "by_agency_kind",
        "immigration",
        "image",
        "name_only",
        "partial_plate",
        "blocked",
        "immigration_image",
        "block_leaks",
        "bursts",
        "by_ori",
    ]


def test_dates_are_days_in_the_states_time_zone(import_log, stats):
    # TIME_ZONE is America/New_York: March 31 ends at 04:00 UTC on April 1.
    import_log(
        journal(
            entry("2026-03-01T00:00:00-05:00", "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-03-01T05:00:00+00:00", "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-03-31T23:59:59-04:00", "IN", 3, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-04-01T03:59:59Z", "IN", 4, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-04-01T04:00:00Z", "IN", 5, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-02-28T23:59:59-05:00", "IN", 6, "DQ.NY0010100.NY.TXT", "OLN/D1."),
        )
    )
    assert stats("2026-03-01", "2026-03-31")["queries"] == 4
    assert stats("2026-03-01", "2026-03-01")["queries"] == 2
    assert stats("2026-04-01", "2026-04-01")["queries"] == 1
    assert stats("2026-02-28", "2026-02-28")["queries"] == 1


def test_by_key_kind_flags_and_top_oris(import_log, stats):
    AgencyFactory(name="ICE", kind="immigration", oris="DCICE*")
    AgencyFactory(name="Albany Police", kind="local_law_enforcement", ori="NY0010100")
    t = "2026-03-14T09:12:{:02d}-04:00"
    import_log(
        journal(
            entry(t.format(1), "IN", 1, "DQ.DCICE0100.NY.TXT", "NAM/DOE,J.DOB/19800102.IMQ/Y"),
            entry(t.format(2), "IN", 2, "DQ.DCICE0200.NY.TXT", "NAM/DOE,J."),
            entry(t.format(3), "IN", 3, "RPQ.NY0010100.NY.TXT", "LIC/AB?."),
            entry(t.format(4), "IN", 4, "RQ.ZZ9999999.NY.TXT", "LIC/ABC1234.IMQ/Y"),
            entry(t.format(5), "IN", 5, "DQ.DCICE0100.NY.TXT", "OLN/D1."),
            entry(t.format(6), "OUT", 6, "DR.NY0000000.DCICE0100.TXT", "OLN/D1.NAM/DOE,J."),
        )
    )
    result = stats("2026-03-14", "2026-03-14")
    assert result["queries"] == 5 and result["responses"] == 1
    assert result["by_message_key"] == {"DQ": 3, "RPQ": 1, "RQ": 1}
    kinds = result["by_agency_kind"]
    assert (kinds["immigration"], kinds["local_law_enforcement"], kinds["unknown"]) == (3, 1, 1)
    assert (result["immigration"], result["image"], result["immigration_image"]) == (3, 2, 1)
    assert (result["name_only"], result["partial_plate"], result["blocked"]) == (1, 1, 0)
    assert result["by_ori"] == [
        {"ori": "DCICE0100", "agency": "ICE", "kind": "immigration", "queries": 2},
        {"ori": "DCICE0200", "agency": "ICE", "kind": "immigration", "queries": 1},
        {
            "ori": "NY0010100",
            "agency": "Albany Police",
            "kind": "local_law_enforcement",
            "queries": 1,
        },
        {"ori": "ZZ9999999", "agency": None, "kind": "unknown", "queries": 1},
    ]


def test_by_ori_keeps_the_twenty_busiest(import_log, stats):
    entries = []
    for n in range(22):
        entries += query_run(f"NY00{n:05d}", START, n + 1, first_sequence=n * 100)
    import_log(journal(*entries))
    top = stats("2026-03-10", "2026-03-10")["by_ori"]
    assert len(top) == 20
    assert top[0] == {"ori": "NY0000021", "agency": None, "kind": "unknown", "queries": 22}
    assert top[-1]["queries"] == 3


# -- Bursts -------------------------------------------------------------------------------------


def test_49_queries_in_ten_minutes_are_no_burst(import_log, stats):
    import_log(journal(*query_run("NY0010100", START, 49)))
    assert stats("2026-03-10", "2026-03-10")["bursts"] == []


def test_50_queries_in_ten_minutes_are_a_burst(import_log, stats):
    import_log(journal(*query_run("NY0010100", START, 50)))
    assert stats("2026-03-10", "2026-03-10")["bursts"] == [
        {"ori": "NY0010100", "start": "2026-03-10T10:00:00-04:00", "queries": 50}
    ]


def test_a_query_ten_minutes_after_the_first_is_outside_its_window(import_log, stats):
    # 49 queries within the first minutes, the 50th exactly 10 minutes after the first.
    run = query_run("NY0010100", START, 49, step=timedelta(seconds=1))
    run.append(entry(START + timedelta(minutes=10), "IN", 999, "DQ.NY0010100.NY.TXT", "OLN/X."))
    import_log(journal(*run))
    assert stats("2026-03-10", "2026-03-10")["bursts"] == []


def test_after_a_burst_the_next_window_opens_after_it_and_bursts_are_per_ori(import_log, stats):
    # 120 queries 5 s apart (10 minutes): one burst of 120 would be wrong, two windows are
    # [0, 600) s, holding all 120; a second ORI's queries never count for the first.
    first = query_run("NY0010100", START, 120, step=timedelta(seconds=5))
    other = query_run("NY0020200", START, 30, first_sequence=5000)
    later = query_run("NY0010100", START + timedelta(hours=1), 55, first_sequence=9000)
    import_log(journal(*first, *other, *later))
    bursts = stats("2026-03-10", "2026-03-10")["bursts"]
    assert bursts == [
        {"ori": "NY0010100", "start": "2026-03-10T10:00:00-04:00", "queries": 120},
        {"ori": "NY0010100", "start": "2026-03-10T11:00:00-04:00", "queries": 55},
    ]


def test_burst_windows_follow_the_contract():
    minute = timedelta(minutes=1)
    t0 = START
    # 40 queries, then 50 more from minute 5: the window at the first holds 90 (< 10 min).
    times = [t0] * 40 + [t0 + 5 * minute] * 50
    assert list(find_bursts(times, window=10 * minute, minimum=50)) == [(t0, t0 + 5 * minute, 90)]
    # 30 at minute 0, 30 at minute 9, 30 at minute 18: windows at 0 (60) then at 18 (30).
    times = [t0] * 30 + [t0 + 9 * minute] * 30 + [t0 + 18 * minute] * 30
    found = list(find_bursts(times, window=10 * minute, minimum=50))
    assert found == [(t0, t0 + 9 * minute, 60)]
    # Without a burst the next window opens at the next query: 1 at 0, 49 at 10, 1 at 19.
    times = [t0] + [t0 + 10 * minute] * 49 + [t0 + 19 * minute]
    found = list(find_bursts(times, window=10 * minute, minimum=50))
    assert found == [(t0 + 10 * minute, t0 + 19 * minute, 50)]


def test_the_burst_numbers_are_settings(import_log, stats, settings):
    settings.SWITCH_BURST_MIN_QUERIES = 5
    settings.SWITCH_BURST_WINDOW_MINUTES = 1
    import_log(journal(*query_run("NY0010100", START, 6, step=timedelta(seconds=11))))
    assert stats("2026-03-10", "2026-03-10")["bursts"] == [
        {"ori": "NY0010100", "start": "2026-03-10T10:00:00-04:00", "queries": 6}
    ]


# -- Responses and block leaks ------------------------------------------------------------------


def at(seconds):
    return START + timedelta(seconds=seconds)


def test_a_response_is_matched_by_its_control_field(import_log):
    import_log(
        journal(
            entry(at(0), "IN", 1, "DQ.NY0010100.NY.C1.TXT", "OLN/D1."),
            entry(at(1), "IN", 2, "DQ.NY0010100.NY.C2.TXT", "OLN/D2."),
            entry(at(2), "IN", 3, "DQ.NY0020200.NY.C1.TXT", "OLN/D3."),
            entry(at(3000), "OUT", 4, "DR.NY0000000.NY0010100.C1.TXT", "OLN/D1."),
        )
    )
    response = JournalEntry.objects.get(sequence=4)
    assert response.query_id == JournalEntry.objects.get(sequence=1).pk  # 50 min: control wins
    assert JournalEntry.objects.get(sequence=1).answered


def test_without_control_the_latest_earlier_unanswered_query_of_that_key(import_log):
    import_log(
        journal(
            entry(at(0), "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry(at(10), "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D2."),
            entry(at(20), "IN", 3, "RQ.NY0010100.NY.TXT", "LIC/A."),
            entry(at(30), "OUT", 4, "DR.NY0000000.NY0010100.TXT", "OLN/D2."),
            entry(at(40), "OUT", 5, "DR.NY0000000.NY0010100.TXT", "OLN/D1."),
            entry(at(50), "OUT", 6, "DR.NY0000000.NY0010100.TXT", "OLN/D9."),
            entry(at(60), "OUT", 7, "RR.NY0000000.NY0010100.TXT", "LIC/A."),
            entry(at(70), "IN", 8, "RPQ.NY0030300.NY.TXT", "LIC/A*."),
            entry(at(70 + 601), "OUT", 9, "RPR.NY0000000.NY0030300.TXT", "LIC/A1."),
        )
    )

    def query_of(sequence):
        found = JournalEntry.objects.get(sequence=sequence).query_id
        return JournalEntry.objects.get(pk=found).sequence if found else None

    assert (query_of(4), query_of(5), query_of(6), query_of(7)) == (2, 1, None, 3)
    assert query_of(9) is None  # more than 10 minutes after the query


def test_a_response_is_matched_to_a_query_of_an_earlier_file(import_log):
    import_log(entry(at(0), "IN", 1, "RNQ.NY0010100.NY.TXT", "NAM/DOE,J."), "one.txt")
    import_log(entry(at(5), "OUT", 2, "RR.NY0000000.NY0010100.TXT", "LIC/A."), "two.txt")
    assert JournalEntry.objects.get(sequence=2).query_id == JournalEntry.objects.get(sequence=1).pk


def test_block_leaks_refused_responses_and_a_block_starting_mid_month(import_log, stats):
    AgencyFactory(
        name="ICE",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law",
        blocked_since=datetime(2026, 3, 15, 4, 0, tzinfo=UTC),  # March 15, New York
    )
    import_log(
        journal(
            entry("2026-03-14T23:59:00-04:00", "IN", 1, "DQ.DCICE0100.NY.TXT", "OLN/D1."),
            entry("2026-03-14T23:59:30-04:00", "OUT", 2, "DR.NY0000000.DCICE0100.TXT", "OLN/D1."),
            entry("2026-03-15T00:00:00-04:00", "IN", 3, "DQ.DCICE0100.NY.TXT", "OLN/D2.IMQ/Y"),
            entry("2026-03-15T00:00:05-04:00", "OUT", 4, "DR.NY0000000.DCICE0100.TXT", "OLN/D2."),
            entry("2026-03-16T09:00:00-04:00", "IN", 5, "DQ.DCICE0100.NY.TXT", "OLN/D3."),
            entry(
                "2026-03-16T09:00:01-04:00", "OUT", 6, "DR.NY0000000.DCICE0100.TXT", "ACCESS DENIED"
            ),
            entry(
                "2026-03-16T09:00:02-04:00",
                "OUT",
                7,
                "DR.NY0000000.DCICE0100.TXT",
                "no record found",
            ),
        )
    )
    result = stats("2026-03-01", "2026-03-31")
    assert (result["queries"], result["blocked"], result["block_leaks"]) == (3, 2, 1)
    assert stats("2026-03-14", "2026-03-14")["block_leaks"] == 0
    assert JournalEntry.objects.get(sequence=4).block_leak
    assert not JournalEntry.objects.get(sequence=6).carries_data


def test_the_no_data_phrases_are_a_setting(import_log, settings):
    settings.SWITCH_NO_DATA_PHRASES = ["NOTHING HERE"]
    import_log(
        journal(
            entry(at(0), "OUT", 1, "DR.NY0000000.NY0010100.TXT", "Nothing here."),
            entry(at(1), "OUT", 2, "DR.NY0000000.NY0010100.TXT", "NO RECORD"),
        )
    )
    assert not JournalEntry.objects.get(sequence=1).carries_data
    assert JournalEntry.objects.get(sequence=2).carries_data


def test_an_ori_blocked_on_its_own_leaks(import_log, stats):
    OriBlock.objects.create(ori="NY0010100", reason="Misuse", effective_at=START)
    import_log(
        journal(
            entry(at(-10), "OUT", 1, "DR.NY0000000.NY0010100.TXT", "OLN/D1."),
            entry(at(10), "OUT", 2, "DR.NY0000000.NY0010100.TXT", "OLN/D1."),
        )
    )
    assert stats("2026-03-10", "2026-03-10")["block_leaks"] == 1


def test_attributing_an_ori_later_re_attributes_its_past_queries(
    import_log, stats, tmp_path, capsys
):
    import_log(
        journal(
            entry(at(0), "IN", 1, "DQ.DCHSI0100.NY.TXT", "OLN/D1.IMQ/Y"),
            entry(at(5), "OUT", 2, "DR.NY0000000.DCHSI0100.TXT", "OLN/D1."),
        )
    )
    assert stats("2026-03-10", "2026-03-10")["by_agency_kind"]["unknown"] == 1
    path = tmp_path / "oris.csv"
    path.write_text(
        "name,kind,oris,email_domains,published_phone,blocked,blocked_reason,blocked_since\n"
        "HSI,immigration,DCHSI*,,,true,State law,2026-03-01\n"
    )
    call_command("import_agencies", str(path))
    capsys.readouterr()
    result = stats("2026-03-10", "2026-03-10")
    assert result["by_agency_kind"]["unknown"] == 0
    assert (result["immigration"], result["immigration_image"]) == (1, 1)
    assert (result["blocked"], result["block_leaks"]) == (1, 1)
    assert result["by_ori"][0]["agency"] == "HSI"


def test_bad_dates_exit_2_with_one_line(capsys):
    for args in (
        ["--from", "2026-03-01"],
        ["--from", "March", "--to", "2026-03-02"],
        ["--from", "2026-03-02", "--to", "2026-03-01"],
    ):
        with pytest.raises(SystemExit) as exit_:
            call_command("switch_log_stats", "--json", *args)
        assert exit_.value.code == 2
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
