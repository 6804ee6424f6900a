"""CSV export of every case: rows per second and the exporting process's peak memory.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_export.py [--years 10]

Runs the reports app's own export (reports.exports.write_export, what an export
job and `manage.py export_stats` write) over every case received in the last
`--years` years, into a sink that only counts bytes, in a process of its own so
that its peak resident memory (ru_maxrss) is the export's and nothing else's.
Prints one JSON object. Target: at least 50,000 rows per second within 200 MB.
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


def peak_rss_mb():
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(years):
    from django.utils import timezone

    from dmvrequests.reports import exports, formats
    from dmvrequests.reports.filters import ReportFilters

    today = timezone.localdate()
    filters = ReportFilters(date_from=today - timedelta(days=365 * years), date_to=today)
    rows = filters.cases().count()
    before = peak_rss_mb()
    sink = ByteCounter()
    started = time.perf_counter()
    exports.write_export(sink, formats.CSV, exports.CASES, filters)
    elapsed = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
        "megabytes_written": round(sink.bytes / 1e6, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_before_export_mb": round(before, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=10, help="Export cases of this many years.")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmvrequests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(json.dumps(measure(args.years)))


if __name__ == "__main__":
    main()
