"""Building journals for the tests."""

from datetime import timedelta


def entry(when, direction, sequence, header, text):
    """One text-journal entry; `when` an aware datetime or ISO string."""
    stamp = when if isinstance(when, str) else when.isoformat()
    return f"{stamp} {direction} {sequence}\n{header}\n{text}\n"


def journal(*entries):
    return "\n".join(entries)


def query_run(ori, start, count, step=timedelta(seconds=10), first_sequence=1):
    """`count` DQ queries from `ori`, one each `step` from `start`."""
    return [
        entry(start + i * step, "IN", first_sequence + i, f"DQ.{ori}.NY.TXT", f"OLN/D{i:07d}.")
        for i in range(count)
    ]


def stored_queries(start, count, ori="NY0010100"):
    """`count` DQ queries from `ori`, one a second from `start`, written straight to the journal
    (their months' partitions made first, as the import would on PostgreSQL), then the daily
    rollups rebuilt: a large journal without parsing one."""
    import io

    from django.core.management import call_command

    from dmvrequests.switchjournal.models import JournalEntry
    from dmvrequests.switchjournal.partitions import ensure_months

    last = start + timedelta(seconds=count - 1)
    ensure_months({(start.year, start.month), (last.year, last.month)})
    JournalEntry.objects.bulk_create(
        JournalEntry(
            timestamp=start + timedelta(seconds=i),
            direction="IN",
            sequence=i,
            message_key="DQ",
            sender_ori=ori,
            destination="NY",
            text="OLN/D1.",
        )
        for i in range(count)
    )
    call_command("rebuild_switch_log_rollups", stdout=io.StringIO())


def unanalysed_partitions():
    """PostgreSQL: how many of the journal's month partitions have no statistics yet
    (`reltuples` is -1 until the first ANALYZE)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE %s AND reltuples < 0",
            ["switchjournal_journalentry_p%"],
        )
        return cursor.fetchone()[0]
