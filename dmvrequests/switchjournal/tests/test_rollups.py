"""The daily and monthly rollups the figures read: kept by the import (duplicates not counted
twice), equal to a rebuild from scratch, counted again when an ORI is attributed or blocked later
and when retention cuts a day in two; a period read from whole months and edge days gives the
sums of its days."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from dmvrequests.switchjournal import rollups
from dmvrequests.switchjournal.models import DailyCount, JournalEntry, MonthlyCount
from dmvrequests.switchjournal.selectors import JournalFilter
from dmvrequests.switchjournal.services import journal_apply_retention
from dmvrequests.switchjournal.tests.journals import entry, journal, query_run
from dmvrequests.testing import AgencyFactory

pytestmark = pytest.mark.django_db
FIRST = journal(
    entry("2026-03-01T00:30:00-05:00", "IN", 1, "DQ.DCICE0100.NY.C1.TXT", "OLN/D1.IMQ/Y"),
    entry("2026-03-01T00:30:02-05:00", "OUT", 2, "DR.NY0000000.DCICE0100.C1.TXT", "OLN/D1."),
    entry("2026-03-01T04:59:00Z", "IN", 3, "DNQ.ZZ1234567.NY.TXT", "NAM/DOE,J."),
    entry("2026-03-02T09:00:00-05:00", "IN", 4, "RPQ.NY0010100.NY.TXT", "LIC/AB*."),
    entry("2026-03-02T09:00:01-05:00", "OUT", 5, "RPR.NY0000000.NY0010100.TXT", "NO RECORD"),
)
SECOND = journal(
    entry("2026-03-02T09:00:00-05:00", "IN", 4, "RPQ.NY0010100.NY.TXT", "LIC/AB*."),  # again
    entry("2026-03-02T10:00:00-05:00", "IN", 6, "RPQ.NY0010100.NY.TXT", "LIC/XY?."),
    *query_run("DCICE0200", datetime(2026, 3, 5, 15, tzinfo=UTC), 3, first_sequence=10),
)


def counts():
    """The rows of both rollups, without their ids."""
    found = []
    for model in (DailyCount, MonthlyCount):
        fields = [f.name for f in model._meta.fields if f.name != "id"]
        rows = model.objects.values(*fields).order_by()
        found.append(sorted(tuple(row[name] for name in fields) for row in rows))
    return found


@pytest.fixture
def imported(import_log):
    AgencyFactory(
        name="ICE",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law",
        blocked_since=datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert import_log(FIRST)[1][0]["imported"] == 5
    assert import_log(SECOND, "second.txt")[1][0]["duplicates"] == 1


def test_the_import_keeps_the_daily_rollup(imported):
    rows = {(r.day, r.direction, r.ori, r.message_key): r for r in DailyCount.objects.all()}
    # 04:59 UTC on March 1 is still February 28 in New York; 00:30 New York time is March 1.
    assert set(rows) == {
        (date(2026, 3, 1), "IN", "DCICE0100", "DQ"),
        (date(2026, 3, 1), "OUT", "DCICE0100", "DR"),
        (date(2026, 2, 28), "IN", "ZZ1234567", "DNQ"),
        (date(2026, 3, 2), "IN", "NY0010100", "RPQ"),
        (date(2026, 3, 2), "OUT", "NY0010100", "RPR"),
        (date(2026, 3, 5), "IN", "DCICE0200", "DQ"),
    }
    ice_query = rows[(date(2026, 3, 1), "IN", "DCICE0100", "DQ")]
    assert (ice_query.agency_kind, ice_query.messages, ice_query.image, ice_query.blocked) == (
        "immigration",
        1,
        1,
        1,
    )
    leak = rows[(date(2026, 3, 1), "OUT", "DCICE0100", "DR")]
    assert (leak.block_leaks, leak.carries_data) == (1, 1)
    plates = rows[(date(2026, 3, 2), "IN", "NY0010100", "RPQ")]
    assert (plates.messages, plates.partial_plate, plates.agency_kind) == (2, 2, "unknown")
    refused = rows[(date(2026, 3, 2), "OUT", "NY0010100", "RPR")]
    assert (refused.messages, refused.carries_data) == (1, 0)
    assert rows[(date(2026, 3, 5), "IN", "DCICE0200", "DQ")].messages == 3


def test_the_import_keeps_the_monthly_rollup(imported):
    rows = {(r.month, r.direction, r.ori, r.message_key): r for r in MonthlyCount.objects.all()}
    assert set(rows) == {
        (date(2026, 3, 1), "IN", "DCICE0100", "DQ"),
        (date(2026, 3, 1), "OUT", "DCICE0100", "DR"),
        (date(2026, 2, 1), "IN", "ZZ1234567", "DNQ"),
        (date(2026, 3, 1), "IN", "NY0010100", "RPQ"),
        (date(2026, 3, 1), "OUT", "NY0010100", "RPR"),
        (date(2026, 3, 1), "IN", "DCICE0200", "DQ"),
    }
    plates = rows[(date(2026, 3, 1), "IN", "NY0010100", "RPQ")]
    assert (plates.messages, plates.partial_plate) == (2, 2)
    assert (plates.first_day, plates.last_day) == (date(2026, 3, 2), date(2026, 3, 2))
    ice = rows[(date(2026, 3, 1), "IN", "DCICE0200", "DQ")]
    assert (ice.messages, ice.agency_kind, ice.blocked) == (3, "immigration", 3)
    leak = rows[(date(2026, 3, 1), "OUT", "DCICE0100", "DR")]
    assert (leak.block_leaks, leak.carries_data) == (1, 1)


def test_a_month_widens_its_first_and_last_days_as_files_come(imported, import_log):
    later = journal(
        entry("2026-03-20T12:00:00-04:00", "IN", 40, "RPQ.NY0010100.NY.TXT", "LIC/Q*."),
        entry("2026-03-01T12:00:00-05:00", "IN", 41, "RPQ.NY0010100.NY.TXT", "LIC/R*."),
    )
    import_log(later, "later.txt")
    plates = MonthlyCount.objects.get(month=date(2026, 3, 1), direction="IN", ori="NY0010100")
    assert (plates.messages, plates.first_day, plates.last_day) == (
        4,
        date(2026, 3, 1),
        date(2026, 3, 20),
    )
    kept = counts()
    call_command("rebuild_switch_log_rollups")
    assert counts() == kept


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [
        (date(2026, 2, 1), date(2026, 3, 31)),  # two whole months
        (date(2026, 2, 28), date(2026, 3, 31)),  # an edge day, then a whole month
        (date(2026, 2, 1), date(2026, 3, 2)),  # a whole month, then edge days
        (date(2026, 2, 28), date(2026, 3, 4)),  # no whole month
        (date(2026, 1, 15), date(2026, 4, 15)),
    ],
)
def test_a_period_read_from_months_and_days_gives_the_sums_of_its_days(
    imported, date_from, date_to
):
    def daily_only(journal_filter, by, direction=None):
        rows = DailyCount.objects.filter(day__gte=date_from, day__lte=date_to)
        return rollups._sums(rows, journal_filter, by, direction, True)

    def ordered(rows):
        return sorted(rows, key=lambda row: [str(row[name]) for name in sorted(row)])

    for journal_filter in (
        JournalFilter(date_from, date_to),
        JournalFilter(date_from, date_to, agency_kind="immigration"),
    ):
        for by in (["direction", "agency_kind"], ["month", "direction"], ["ori"]):
            assert ordered(rollups.grouped(journal_filter, by, days=True)) == ordered(
                daily_only(journal_filter, by)
            )
        got = rollups.grouped(journal_filter, ["ori"], direction="IN")
        assert sum(row["messages"] for row in got) == sum(
            row["messages"] for row in daily_only(journal_filter, ["ori"], "IN")
        )


def test_whole_months_of_a_period():
    assert rollups.whole_months(date(2026, 1, 1), date(2026, 12, 31)) == (
        date(2026, 1, 1),
        date(2026, 12, 1),
    )
    assert rollups.whole_months(date(2026, 1, 2), date(2026, 3, 30)) == (
        date(2026, 2, 1),
        date(2026, 2, 1),
    )
    assert rollups.whole_months(date(2026, 1, 2), date(2026, 2, 27)) == (None, None)
    assert rollups.whole_months(date(2024, 2, 1), date(2024, 2, 29)) == (
        date(2024, 2, 1),
        date(2024, 2, 1),
    )


def test_a_rebuild_gives_the_rows_the_import_kept(imported, capsys):
    kept = counts()
    call_command("rebuild_switch_log_rollups")
    assert "6 daily rows" in capsys.readouterr().out
    assert counts() == kept


def test_attributing_an_ori_counts_its_days_again(imported):
    police = AgencyFactory(name="Albany Police", kind="local_law_enforcement")
    police.oris = "NY0010100"
    police.save()
    from dmvrequests.agencies.signals import directory_changed

    directory_changed.send(sender=type(police))
    plates = DailyCount.objects.get(direction="IN", ori="NY0010100")
    assert (plates.agency_id, plates.agency_kind, plates.messages) == (
        police.pk,
        "local_law_enforcement",
        2,
    )
    kept = counts()
    call_command("rebuild_switch_log_rollups")
    assert counts() == kept


def test_retention_counts_the_day_of_the_cut_again(imported, settings):
    settings.RETENTION_SWITCH_LOG_DAYS = 10
    # The cut: March 2, 09:30 in New York; the query at 10:00 that day stays.
    journal_apply_retention(now=datetime(2026, 3, 12, 14, 30, tzinfo=UTC))
    assert {(r.day, r.ori, r.messages) for r in DailyCount.objects.all()} == {
        (date(2026, 3, 2), "NY0010100", 1),
        (date(2026, 3, 5), "DCICE0200", 3),
    }
    assert {(r.month, r.ori, r.messages, r.first_day) for r in MonthlyCount.objects.all()} == {
        (date(2026, 3, 1), "NY0010100", 1, date(2026, 3, 2)),
        (date(2026, 3, 1), "DCICE0200", 3, date(2026, 3, 5)),
    }
    kept = counts()
    call_command("rebuild_switch_log_rollups")
    assert counts() == kept


def test_the_import_reports_each_stored_batch(tmp_path, monkeypatch):
    from dmvrequests.switchjournal import services
    from dmvrequests.switchjournal.sources import open_journal

    monkeypatch.setattr(services, "BATCH", 2)
    monkeypatch.setattr(services, "PG_BATCH", 2)
    path = tmp_path / "journal.txt"
    path.write_text(FIRST)
    reported: dict[bool, list[int]] = {}
    for while_reading in (False, True):
        JournalEntry.objects.all().delete()
        DailyCount.objects.all().delete()
        MonthlyCount.objects.all().delete()
        seen: list[int] = []
        reported[while_reading] = seen
        with open_journal(str(path)) as lines:
            summary = services.journal_import(
                lines,
                name="journal.txt",
                on_batch=lambda summary: seen.append(summary.imported),  # noqa: B023
                match_while_reading=while_reading,
            )
        assert summary.imported == 5
        assert DailyCount.objects.get(ori="ZZ1234567").messages == 1
    assert reported[False] == [2, 4]
    # Matching while reading (PostgreSQL) may keep a response for the next batch until the
    # file has gone past its time: two batches all the same, the counts so far in order.
    assert len(reported[True]) == 2 and 0 < reported[True][0] < reported[True][1] < 5
