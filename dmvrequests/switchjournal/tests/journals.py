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
