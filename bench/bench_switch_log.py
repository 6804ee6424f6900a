"""Switch journal benchmark: import speed (entries per second, peak memory) of
`import_switch_log`, `switch_log_stats` over a year, and the Network queries pages.

    .venv/bin/python bench/bench_switch_log.py --entries 200000 [--database dmv_bench_switch]
        [--days 365] [--rounds 5] [--json]

Needs PostgreSQL on 127.0.0.1:5432 (the journal's COPY loading and monthly partitions are
PostgreSQL's). Creates the database when missing and migrates it, empties the journal (its
month partitions dropped), writes realistic traffic with `seed_switch_log --output` (seed 1,
over `--days`), then times
`import_switch_log --json` on it in a child process of its own (wall clock; the child's peak
resident memory from the kernel, os.wait4), then `switch_log_stats` over the last 365 days
(`--rounds` times, each in its own process: the figures read the daily rollup, so their time
hardly grows with the journal), then the section's pages (p50 and p95 of the server's time
with Django's test Client, as bench/bench_pages.py measures them, in a process of their own;
the demo directory and users from `seed_demo`, loaded once, so that the traffic's ORIs belong
to agencies; `--page-iterations 0` skips them). Prints one line of figures, or one JSON object
with --json,
with the machine's load average (`uptime`) at the start and the end: on a shared machine
the figures depend on it. At most 10,000,000 entries.
"""

import argparse
import json
import os
import shutil
import subprocess  # noqa: S404 - runs this project's own commands
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_ENTRIES = 10_000_000


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def measured(env, *args):
    """Run a manage.py command in a child; (stdout, seconds, the child's peak RSS in MB, the
    child's CPU seconds: user and system)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        child = subprocess.Popen(  # noqa: S603 - fixed arguments, no shell
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode:
            raise SystemExit(f"{args[0]} failed with exit status {child.returncode}")
        out.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return out.read().decode(), seconds, usage.ru_maxrss / 1024, cpu


def prepare(options):
    host = os.environ.get("PGHOST", "127.0.0.1")
    user = os.environ.get("PGUSER", "postgres")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{host}:5432/{options.database}",
        "DMV_REQUIRE_MFA": "false",
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "bench-" + os.urandom(12).hex()),
    }
    createdb = shutil.which("createdb") or "/usr/bin/createdb"
    subprocess.run(  # noqa: S603 - PostgreSQL's own client, fixed arguments
        [createdb, "-h", host, "-U", user, options.database], capture_output=True, check=False
    )
    manage(env, "migrate", "-v", "0")
    manage(
        env,
        "shell",
        "-c",
        # The journal's partitions dropped, not its rows deleted: rows deleted one by one
        # leave their dead versions in the months' tables and indexes until a vacuum, and
        # the next import into those months measured them too (130.7 s for 10,000,000
        # entries where the same code took 105 to 110 s into an empty journal).
        "from datetime import datetime, UTC;"
        "from dmvrequests.switchjournal.models import JournalEntry, Burst, DailyCount, MonthlyCount;"
        "from dmvrequests.switchjournal.partitions import drop_months_before;"
        "drop_months_before(datetime(9999, 1, 1, tzinfo=UTC));"
        "JournalEntry.objects.all().delete(); Burst.objects.all().delete();"
        "DailyCount.objects.all().delete(); MonthlyCount.objects.all().delete()",
    )
    return env


# The pages measured: (label, address, user). {year} is the filter of the last 365 days.
PAGES = (
    ("Network queries, last 90 days (default)", "/network/", "admin"),
    ("Network queries, a year", "/network/?{year}", "admin"),
    (
        "Entries: every query of a year, first page",
        "/network/entries/?figure=months&{year}",
        "counsel",
    ),
    (
        "Entries: photo requests of a year, first page",
        "/network/entries/?figure=image&{year}",
        "counsel",
    ),
    (
        "Entries: one ORI over a year, first page",
        "/network/entries/?ori=DCICE0100&{year}",
        "counsel",
    ),
    ("An agency's page (ICE), a year", "/network/agencies/{ice}/?{year}", "counsel"),
    ("Unknown ORIs", "/network/unknown-oris/", "admin"),
    ("Block list", "/network/blocklist/", "admin"),
)

PAGES_CODE = """
import json, sys
sys.path.insert(0, 'bench')
from bench_pages import Page, measure
from dmvrequests.agencies.models import Agency
ice = Agency.objects.get(slug='ice-ero').pk
pages = [Page(label, url.format(year=YEAR, ice=ice), user, 300.0) for label, url, user in PAGES]
results = measure(pages, rounds=3, iterations=ITERATIONS, report=lambda line: None)
print(json.dumps([{'page': r.page.label, 'p50_ms': round(r.p50_ms, 1), 'p95_ms':
    round(r.p95_ms, 1), 'queries': r.queries, 'status': r.status} for r in results]))
"""


def demo_directory(env, days):
    """The demo's users and agencies (seed_demo, once) and the traffic's ORI patterns and block
    (seed_switch_log's directory), so that the pages have users and the ORIs agencies."""
    manage(env, "seed_demo")
    code = (
        "from datetime import timedelta; from django.utils import timezone;"
        "from dmvrequests.switchjournal.management.commands.seed_switch_log import Command;"
        f"Command()._directory(timezone.now() - timedelta(days={days}))"
    )
    manage(env, "shell", "-c", code)


def page_timings(env, iterations):
    """p50 and p95 (ms) of each of PAGES over the last 365 days, one process."""
    end = date.today()
    year = f"date_from={end - timedelta(days=364)}&date_to={end}"
    code = f"PAGES = {PAGES!r}\nYEAR = {year!r}\nITERATIONS = {iterations}\n" + PAGES_CODE
    return json.loads(manage(env, "shell", "-c", code).stdout.strip().splitlines()[-1])


def stats_timings(env, rounds):
    """Milliseconds of `switch_log_stats` over the last 365 days, each round its own process
    (the time of the command's work, not of starting Django: measured inside the process)."""
    end = date.today()
    start = end - timedelta(days=364)
    code = (
        "import time; from datetime import date;"
        "from dmvrequests.switchjournal.selectors import journal_stats;"
        "t = time.perf_counter();"
        f"journal_stats(date.fromisoformat('{start}'), date.fromisoformat('{end}'));"
        "print(round((time.perf_counter() - t) * 1000, 1))"
    )
    return sorted(float(manage(env, "shell", "-c", code).stdout.split()[-1]) for _ in range(rounds))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--database", default="dmv_bench_switch")
    parser.add_argument("--days", type=int, default=365, help="Days of traffic, to today.")
    parser.add_argument("--rounds", type=int, default=5, help="Runs of switch_log_stats.")
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    parser.add_argument(
        "--page-iterations", type=int, default=10, help="Requests of each page a round (0: none)."
    )
    options = parser.parse_args()
    if not 0 < options.entries <= MAX_ENTRIES:
        parser.error(f"--entries must be between 1 and {MAX_ENTRIES:,}.")
    env = prepare(options)
    if options.page_iterations:
        demo_directory(env, options.days)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.txt"
        manage(
            env,
            "seed_switch_log",
            *("--entries", str(options.entries), "--seed", "1"),
            *("--days", str(options.days), "--output", str(journal)),
        )
        out, seconds, peak_mb, cpu = measured(env, "import_switch_log", "--json", str(journal))
    result = json.loads(out)
    load_after_import = os.getloadavg()[0]
    stats_ms = stats_timings(env, options.rounds)
    pages = page_timings(env, options.page_iterations) if options.page_iterations else []
    figures = {
        "entries": result["entries"],
        "imported": result["imported"],
        "seconds": round(seconds, 1),
        "entries_per_second": round(result["entries"] / seconds),
        "peak_memory_mb": round(peak_mb),
        # The import process's own CPU time (parsing, flags, matching), not PostgreSQL's: on a
        # loaded machine, entries per CPU second say more than the wall clock.
        "import_cpu_seconds": round(cpu, 1),
        "entries_per_cpu_second": round(result["entries"] / cpu) if cpu else None,
        "stats_year_ms_median": stats_ms[len(stats_ms) // 2],
        "stats_year_ms_max": stats_ms[-1],
        "pages": pages,
        "load_average_before": round(load_before, 2),
        "load_average_after_import": round(load_after_import, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    if options.json:
        print(json.dumps(figures))
        return
    print(
        f"{figures['entries']:,} entries in {figures['seconds']} s: "
        f"{figures['entries_per_second']:,} entries/s, peak memory {figures['peak_memory_mb']} MB, "
        f"{figures['import_cpu_seconds']} s of the import's CPU; "
        f"switch_log_stats over a year: median {figures['stats_year_ms_median']} ms, "
        f"max {figures['stats_year_ms_max']} ms (load average {figures['load_average_before']} "
        f"before, {figures['load_average_after']} after, {figures['cpus']} CPUs)."
    )
    for page in pages:
        print(
            f"  {page['page']}: p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, "
            f"{page['queries']} queries, HTTP {page['status']}"
        )


if __name__ == "__main__":
    main()
