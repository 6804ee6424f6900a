"""Export of every case in one format: rows per second and the process's peak memory.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_export.py [--format csv] [--years 10]

Runs the reports app's own export (reports.exports.write_export, given no rows, as a
direct download is written: on PostgreSQL the CSV is PostgreSQL's COPY, the XLSX's
values come from one query and rust_xlsxwriter writes them)
over every case received in the last `--years` years, into a sink that only counts
bytes (XLSX: a temporary file, as a job writes it), in a process of its own.

Peak memory is the kernel's high-water mark of this process's resident set
(VmHWM in /proc/self/status), which starts afresh at exec; `ru_maxrss` does not
(a child inherits its parent's mark across exec, so a big parent would show through).
Prints one JSON object. Targets: CSV ≥ 100,000 rows/s within 150 MB; XLSX ≥ 20,000 rows/s.
"""

import argparse
import json
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ByteCounter:
    """A binary file object that keeps nothing: only how much was written."""

    def __init__(self):
        self.bytes = 0

    def write(self, data):
        self.bytes += len(data)
        return len(data)


def _status_mb(field):
    """A VmXXX line of /proc/self/status, in MB (the kernel counts kB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _writer(fmt, vendor):
    """Which writer reports.exports.write_export uses for the cases in `fmt`."""
    if vendor == "postgresql" and fmt == "csv":
        return "postgresql-copy"
    if vendor == "postgresql" and fmt == "xlsx":
        return "postgresql-rows+rust_xlsxwriter-constant-memory"
    return "xlsxwriter-constant-memory" if fmt == "xlsx" else "python"


def measure(years, fmt):
    import tempfile

    from django.db import connection
    from django.utils import timezone

    from dmvrequests.reports import exports, formats
    from dmvrequests.reports.filters import ReportFilters

    today = timezone.localdate()
    filters = ReportFilters(date_from=today - timedelta(days=365 * years), date_to=today)
    rows = filters.cases().count()
    before = _status_mb("VmRSS")
    sink = tempfile.TemporaryFile() if fmt == formats.XLSX else ByteCounter()  # noqa: SIM115
    started = time.perf_counter()
    cpu_started = time.process_time()
    exports.write_export(sink, fmt, exports.CASES, filters)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    written = sink.tell() if fmt == formats.XLSX else sink.bytes
    return {
        "format": fmt,
        "database": connection.vendor,
        "writer": _writer(fmt, connection.vendor),
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
        "rows_per_cpu_second_of_python": round(rows / cpu) if cpu else None,
        "megabytes_written": round(written / 1e6, 1),
        "peak_rss_mb": round(_status_mb("VmHWM"), 1),
        "rss_before_export_mb": round(before, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=10, help="Export cases of this many years.")
    parser.add_argument("--format", default="csv", choices=["csv", "xlsx", "json"])
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmvrequests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps(measure(args.years, args.format)))


if __name__ == "__main__":
    main()
