"""The demo traffic (`seed_switch_log`) and the journal's monthly partitions on PostgreSQL."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from dmvrequests.switchjournal.models import JournalEntry
from dmvrequests.switchjournal.partitions import TABLE, drop_months_before
from dmvrequests.switchjournal.tests.journals import entry, journal

pytestmark = pytest.mark.django_db


def test_seed_switch_log_makes_realistic_traffic_once(capsys, stats):
    call_command("seed_switch_log", "--entries", "3000", "--seed", "3", "--days", "30")
    assert "Imported 3000 messages" in capsys.readouterr().out
    figures = stats("2000-01-01", "2099-12-31")
    assert figures["queries"] == figures["responses"] == 1500
    assert figures["immigration"] > 0 and figures["image"] > 0
    assert figures["name_only"] > 0 and figures["partial_plate"] > 0
    kinds = figures["by_agency_kind"]
    assert kinds["immigration"] > 0 and kinds["federal_law_enforcement"] > 0
    assert figures["blocked"] > 0
    call_command("seed_switch_log", "--entries", "3000", "--seed", "3")
    assert "nothing to do" in capsys.readouterr().out
    assert JournalEntry.objects.count() == 3000


def test_seed_switch_log_writes_a_journal_the_import_reads_whole(tmp_path, capsys):
    path = tmp_path / "traffic.txt.gz"
    call_command("seed_switch_log", "--entries", "500", "--seed", "4", "--output", str(path))
    capsys.readouterr()
    call_command("import_switch_log", "--json", str(path))
    result = json.loads(capsys.readouterr().out)
    assert (result["entries"], result["imported"], result["rejected_count"]) == (500, 500, 0)


def children(parent):
    """The names of a partitioned table's partitions, or of a partitioned index's copies in
    them, sorted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY 1",
            [parent],
        )
        return [row[0] for row in cursor.fetchall()]


def partitions():
    return children(TABLE)


@pytest.mark.postgres
def test_the_journal_is_partitioned_by_month_on_postgresql(import_log):
    import_log(
        journal(
            entry("2026-01-31T23:59:59-05:00", "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-03-14T09:00:00-04:00", "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D1."),
        )
    )
    # January 31, 23:59:59 in New York is February 1 in UTC: months are UTC months.
    assert partitions() == [f"{TABLE}_p202602", f"{TABLE}_p202603"]
    assert drop_months_before(datetime(2026, 3, 1, tzinfo=UTC)) == 1
    assert list(JournalEntry.objects.values_list("sequence", flat=True)) == [2]


def test_retention_removes_messages_older_than_the_setting(import_log, settings, capsys):
    settings.RETENTION_SWITCH_LOG_DAYS = 30
    import_log(
        journal(
            entry("2026-01-10T09:00:00-05:00", "IN", 1, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-02-20T09:00:00-05:00", "IN", 2, "DQ.NY0010100.NY.TXT", "OLN/D1."),
            entry("2026-03-14T09:00:00-04:00", "IN", 3, "DQ.NY0010100.NY.TXT", "OLN/D1."),
        )
    )
    from dmvrequests.switchjournal.services import journal_apply_retention

    journal_apply_retention(now=datetime(2026, 3, 25, tzinfo=UTC))  # cut: February 23
    assert list(JournalEntry.objects.values_list("sequence", flat=True)) == [3]
    call_command("apply_switch_log_retention")
    assert "kept from" in capsys.readouterr().out


@pytest.mark.postgres
def test_one_oris_messages_are_found_through_the_partial_index_of_their_direction(import_log):
    from dmvrequests.switchjournal.figures import ori_party
    from dmvrequests.switchjournal.models import Direction

    import_log(
        journal(
            entry("2026-03-14T09:00:00-04:00", "IN", 1, "DQ.DCICE0100.NY.TXT", "OLN/D1."),
            entry("2026-03-14T09:00:05-04:00", "OUT", 2, "DR.DCICE0100.NY.TXT", "NO RECORD."),
        )
    )
    readers = {
        "entries of an ORI": JournalEntry.objects.filter(ori_party("DCICE0100")),
        "bursts, matching, attribution": JournalEntry.objects.filter(
            direction=Direction.IN, sender_ori="DCICE0100"
        ),
        "attribution of responses": JournalEntry.objects.filter(
            direction=Direction.OUT, destination="DCICE0100"
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: ask for an index
        plans = {reader: rows.explain() for reader, rows in readers.items()}

    def uses(plan, index):  # the plan names the partitions' own copies of the index
        return any(name in plan for name in [index, *children(index)])

    assert uses(plans["entries of an ORI"], "journal_query_sender_idx")
    assert uses(plans["entries of an ORI"], "journal_response_dest_idx")
    assert uses(plans["bursts, matching, attribution"], "journal_query_sender_idx")
    assert uses(plans["attribution of responses"], "journal_response_dest_idx")


def test_the_demo_traffic_runs_to_within_a_few_days_of_its_end():
    from datetime import UTC, datetime, timedelta

    from dmvrequests.switchjournal.generate import traffic

    end = datetime(2026, 12, 3, 12, tzinfo=UTC)
    start = end - timedelta(days=90)
    moments = [moment for moment, _ in traffic(entries=20000, seed=1, start=start, end=end)]
    assert start < moments[0] and max(moments) <= end
    assert end - max(moments) < timedelta(days=4)  # the demo's figures reach this week
