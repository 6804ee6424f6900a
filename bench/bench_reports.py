"""Reports at scale: the dashboard's server time, and exports of 50,000 cases.

    .venv/bin/python bench/bench_reports.py [--cases 50000] [--rounds 5]

Runs on a throwaway database of the configured engine (a temporary SQLite file,
or a PostgreSQL test database when DATABASE_URL names one), filled with
`--cases` cases by bulk_create: decisions, releases, legal documents and
subject notices in realistic proportions, without history rows (the reports
never read them). Your own data is never touched.

Measures (load average shown first: on a busy machine wall-clock rates drop):
- the dashboard page (GET /reports/ over every case, as an administrator):
  median server time of `--rounds` requests, and its query count;
- the case export through reports.exports.write_export, CSV, JSON and XLSX,
  into a sink that keeps nothing: rows per second;
- the CSV export's peak memory: Python's own allocations (tracemalloc, in a
  second pass, since tracing slows it) and the process's peak resident size.
Targets: at least 50,000 rows per second and at most 200 MB for the CSV export.
"""

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BATCH = 2000
TARGET_ROWS_PER_SECOND = 50_000
TARGET_PEAK_MB = 200
KINDS = (
    "immigration",
    "local_law_enforcement",
    "state_law_enforcement",
    "federal_law_enforcement",
    "prosecutor",
    "court",
    "private",
)
CHANNELS = ("email", "phone", "fax", "mail", "portal")
FATES = ("received", "in_review", "denied", "fulfilled", "approved", "withdrawn")
DECIDED = ("denied", "fulfilled", "approved")
DOCUMENTS = (
    ("judicial_warrant", "state_judge"),
    ("court_order", "state_judge"),
    ("administrative_warrant", "immigration_officer"),
    ("judicial_subpoena", "court_clerk"),
)


class ByteCounter:
    """A binary file object that keeps nothing: only how much was written."""

    def __init__(self):
        self.bytes = 0

    def write(self, data):
        self.bytes += len(data)
        return len(data)

    def tell(self):
        return self.bytes  # zipfile (XLSX) asks where it is

    def flush(self):
        pass


def peak_rss_mb():
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Seeder:
    """Bulk-creates `count` cases spread over the last two years."""

    def __init__(self, count):
        from django.contrib.auth.models import Group
        from django.utils import timezone

        from accounts.models import Office, User
        from dmvrequests.agencies.models import Agency

        self.count = count
        self.now = timezone.now()
        self.offices = [
            Office.objects.create(name=f"Bench office {n}", code=f"bench{n}") for n in range(3)
        ]
        self.agencies = [
            Agency.objects.create(name=f"Bench {kind} {n}", slug=f"bench-{kind}-{n}", kind=kind)
            for kind in KINDS
            for n in range(3)
        ]
        self.counsel = User.objects.create_user("bench-counsel", office=self.offices[0])
        self.counsel.groups.add(Group.objects.get(name="Counsel"))
        self.admin = User.objects.create_user("bench-admin", office=self.offices[0])
        self.admin.groups.add(Group.objects.get(name="Administrator"))

    def run(self):
        from django.db import connection

        for start in range(0, self.count, BATCH):
            self.batch(range(start, min(start + BATCH, self.count)))
        with connection.cursor() as cursor:
            # Planner statistics, as autovacuum would gather them on a live database.
            cursor.execute("ANALYZE")

    def batch(self, numbers):
        from dmvrequests.cases.models import DisclosureRequest

        cases = DisclosureRequest.objects.bulk_create([self.case(i) for i in numbers])
        self.follow_ups(cases)

    def case(self, i):
        from dmvrequests.cases.models import DisclosureRequest

        # Spread evenly over the last two years (1,051,200 minutes).
        received = self.now - timedelta(minutes=i * 1051200 // self.count + 60)
        fate = FATES[i % len(FATES)]
        decided = received + timedelta(hours=i % 240 + 1) if fate in DECIDED else None
        return DisclosureRequest(
            number=f"DR-B{i:08d}",
            status=fate,
            channel=CHANNELS[i % len(CHANNELS)],
            received_at=received,
            agency=self.agencies[i % len(self.agencies)],
            office=self.offices[i % len(self.offices)],
            purpose="civil_immigration_enforcement" if i % 11 == 0 else "criminal_investigation",
            categories=["address", "license_record"],
            subject_name=f"Subject {i}",
            subject_license_number=f"L{i % (self.count // 2 + 1):07d}",
            narrative="Asked by email for the address and license record of the subject.",
            requester_verified=True,
            due_date=(received + timedelta(days=14)).date(),
            decided_at=decided,
        )

    def follow_ups(self, cases):
        from dmvrequests.cases.models import Decision, LegalDocument, Release, SubjectNotice

        decisions, releases, documents, notices = [], [], [], []
        for case in cases:
            i = int(case.number[4:])
            if i % 10 < 7:
                kind, issuer = DOCUMENTS[i % len(DOCUMENTS)]
                documents.append(LegalDocument(case=case, type=kind, issuer=issuer))
            if case.decided_at:
                decisions.append(self.decision(case, i))
            if case.status == "fulfilled":
                releases.append(
                    Release(
                        case=case,
                        categories=["address"] if i % 4 else ["address", "license_record"],
                        recipient="Records officer",
                        method="secure_email",
                        released_at=case.decided_at + timedelta(hours=2),
                        recorded_by=self.counsel,
                    )
                )
            if case.agency.kind == "immigration":
                notices.append(SubjectNotice(case=case, due_date=case.due_date, rule="Bench"))
        Decision.objects.bulk_create(decisions)
        Release.objects.bulk_create(releases)
        LegalDocument.objects.bulk_create(documents)
        SubjectNotice.objects.bulk_create(notices)

    def decision(self, case, i):
        from dmvrequests.cases.models import Decision

        denied = case.status == "denied"
        return Decision(
            case=case,
            outcome="denied" if denied else "approved",
            reason="insufficient_process"
            if denied
            else ("approved_partial" if i % 5 == 0 else "approved_full"),
            categories_approved=[] if denied else ["address"],
            evaluation={"decision": "deny" if denied else "eligible"},
            profile_slug="ny",
            profile_version=1,
            decided_by=self.counsel,
            decided_at=case.decided_at,
        )


def measure_dashboard(admin, rounds, filters):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(admin)
    url = "/reports/?" + "&".join(f"{k}={v}" for k, v in filters.as_params().items())
    client.get(url)  # warm: templates compiled, session written
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(times) * 1000, len(queries)


def measure_export(fmt, filters, rows):
    """(rows per second of wall time, of this process's CPU time, megabytes written).
    The CPU figure leaves out time spent waiting for the database or for a CPU that
    other processes hold, which matters on a shared machine."""
    from dmvrequests.reports import exports

    sink = ByteCounter()
    started, cpu = time.perf_counter(), time.process_time()
    exports.write_export(sink, fmt, exports.CASES, filters)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return rows / elapsed, rows / cpu, sink.bytes / 1e6


def measure_csv_memory(filters):
    from dmvrequests.reports import exports, formats

    tracemalloc.start()
    exports.write_export(ByteCounter(), formats.CSV, exports.CASES, filters)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def run(count, rounds):
    from django.utils import timezone

    from dmvrequests.reports import formats
    from dmvrequests.reports.filters import ReportFilters

    started = time.perf_counter()
    seeder = Seeder(count)
    seeder.run()
    print(f"seeded {count:,} cases in {time.perf_counter() - started:.1f} s")
    today = timezone.localdate()
    filters = ReportFilters(date_from=today - timedelta(days=3 * 365), date_to=today)
    rows = filters.cases().count()
    dashboard_ms, queries = measure_dashboard(seeder.admin, rounds, filters)
    print(f"dashboard over {rows:,} cases: {dashboard_ms:.0f} ms (median), {queries} queries")
    rss_before = peak_rss_mb()
    rates = {fmt: measure_export(fmt, filters, rows) for fmt in (formats.CSV, formats.JSON)}
    rss_after = peak_rss_mb()
    rates[formats.XLSX] = measure_export(formats.XLSX, filters, rows)
    for fmt, (rate, cpu_rate, megabytes) in rates.items():
        print(
            f"export {fmt:>4}: {rows:,} rows at {rate:,.0f} rows/s "
            f"({cpu_rate:,.0f} rows per CPU second; {megabytes:.1f} MB written)"
        )
    traced = measure_csv_memory(filters)
    print(
        f"csv export memory: {traced:.1f} MB peak Python allocations (tracemalloc); "
        f"process peak RSS {rss_after:.0f} MB (was {rss_before:.0f} MB before exporting)"
    )
    ok = rates[formats.CSV][0] >= TARGET_ROWS_PER_SECOND and rss_after <= TARGET_PEAK_MB
    print(
        f"target ≥ {TARGET_ROWS_PER_SECOND:,} rows/s and ≤ {TARGET_PEAK_MB} MB (CSV): "
        f"{'met' if ok else 'MISSED'}"
    )
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5, help="Dashboard requests to time.")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="bench-reports-")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(Path(scratch) / "private-media")
    os.environ["DMV_REQUIRE_MFA"] = "false"  # the client signs in without a second factor
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log kept
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmvrequests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if connection.vendor == "sqlite":
        # A file, not the in-memory default: reads cost what they cost in use.
        connection.settings_dict["TEST"]["NAME"] = str(Path(scratch) / "bench.sqlite3")
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
        print(f"reports benchmark on {connection.vendor} (load average {load})")
        ok = run(args.cases, args.rounds)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        shutil.rmtree(scratch, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
