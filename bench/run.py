"""The benchmark harness (`make bench`): pages, export, intake, policy and the switch journal
(import speed and switch_log_stats over a year of 1,000,000 messages) at scale.

    .venv/bin/python bench/run.py [--cases 1000000] [--database dmv_bench] [--rounds 3]
    .venv/bin/python bench/run.py --load        # the 60-second load test instead (make load)

On PostgreSQL (PGHOST, PGPORT, PGUSER; default 127.0.0.1:5432, postgres) it
creates the database `dmv_bench` the first time, migrates it with the NY
profile active, fills it with `seed_synthetic --cases N` and reuses it on later
runs as long as it holds exactly N cases. It then prepares what the benchmark
needs (a case with a 200-event timeline, a superuser for the admin baseline),
measures, prints a table and writes it into docs/performance.md between the
`bench:results` markers. Multi-factor sign-in is off in this database's
processes (DMV_REQUIRE_MFA=false); nothing else differs from production
settings but DEBUG, which is off as in production.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DOC = ROOT / "docs" / "performance.md"
RESULTS = ROOT / "bench" / "results"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"
TIMELINE_EVENTS = 200
TIMELINE_CASES = 10
BENCH_ADMIN = "bench-admin"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="Cases in the database.")
    parser.add_argument("--database", default="dmv_bench", help="PostgreSQL database to use.")
    parser.add_argument("--rounds", type=int, default=3, help="Rounds of page measurements.")
    parser.add_argument("--iterations", type=int, default=30, help="Requests per page per round.")
    parser.add_argument("--load", action="store_true", help="Run the load test instead.")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--no-write", action="store_true", help="Do not update the doc.")
    parser.add_argument(
        "--json",
        action="store_true",
        help="Print every figure as one JSON object, and keep it in bench/results/.",
    )
    parser.add_argument(
        "--growth",
        nargs=2,
        metavar=("SMALL.json", "LARGE.json"),
        help="Print how each page's p95 grew between two --json runs, and stop.",
    )
    parser.add_argument("--subjects", type=int, default=30, help="Subjects searched per page.")
    parser.add_argument("--intake-messages", type=int, default=300, help="Messages for intake.")
    parser.add_argument(
        "--switch-entries",
        type=int,
        default=1_000_000,
        help="Switch journal messages (a year of traffic) for the import and stats figures.",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="Skip export, intake and policy (implies --no-write).",
    )
    args = parser.parse_args()
    if args.growth:
        return args
    if args.cases < 1000:
        parser.error("--cases must be at least 1,000 (the pages need a realistic office queue)")
    return args


def database_url(name):
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    return f"postgres://{user}@{host}:{port}/{name}"


def bench_environment(name):
    """The variables of every process that touches the benchmark database."""
    return {
        "DATABASE_URL": database_url(name),
        "DMV_REQUIRE_MFA": "false",
        # The server's own settings, JIT included; bench_jit.py measures the search without.
        "DATABASE_JIT": "server",
        "DEBUG": "false",
        "POLICY_PROFILE": "ny",
        "EMAIL_URL": "locmem:",
        "DJANGO_SETTINGS_MODULE": "dmvrequests.settings",
    }


def create_database(name):
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"Creating the database {name}")
            admin.execute(f'CREATE DATABASE "{name}"')


def setup_django(name):
    os.environ.update(bench_environment(name))
    os.environ.pop("REDIS_URL", None)  # tasks run in-process, as on a machine without Redis
    import django

    django.setup()


def ensure_seeded(cases):
    """Migrate; seed once; refuse a database holding another number of cases."""
    from django.core.management import call_command

    from dmvrequests.cases.models import DisclosureRequest

    call_command("migrate", verbosity=0)
    found = DisclosureRequest.objects.count()
    if found == cases:
        print(f"The database already holds {cases:,} cases: reusing it.")
        return None
    if found:
        sys.exit(
            f"The database holds {found:,} cases, not {cases:,}. Drop it "
            "(dropdb dmv_bench) or name another with --database."
        )
    print(f"Seeding {cases:,} cases (seed_synthetic); this is done once.")
    started = time.monotonic()
    call_command("seed_synthetic", cases=cases, seed=1, years=5)
    return time.monotonic() - started


def bench_superuser():
    """A superuser with the Administrator role: the Django admin needs model permissions."""
    from django.contrib.auth.models import Group

    from accounts.models import Office, User

    user, created = User.objects.get_or_create(
        username=BENCH_ADMIN,
        defaults={"is_staff": True, "is_superuser": True, "office": Office.objects.first()},
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name="Administrator"))
    return user


def timeline_cases(count=TIMELINE_CASES):
    """Albany cases in intake with exactly 200 timeline events: intake edits (history rows)
    and reads (access log), written through the services.

    Every view of a case page is itself logged, so a timeline grows by one per
    request; the page is measured over `count` such cases in turn, so each grows by a
    few percent only. Cases grown past 200 by earlier runs are left aside.
    """
    from dmvrequests.cases.models import DisclosureRequest, Status
    from dmvrequests.cases.timeline import case_timeline

    candidates = DisclosureRequest.objects.filter(
        office__code="albany", status=Status.RECEIVED
    ).order_by("number")
    chosen = []
    for case in candidates.iterator():
        events = len(case_timeline(case))
        if events <= TIMELINE_EVENTS:
            chosen.append(_top_up(case, TIMELINE_EVENTS - events))
        if len(chosen) == count:
            return chosen
    sys.exit("Not enough Albany cases in intake for the timeline pages.")


def _top_up(case, missing):
    """`missing` more events: one intake edit for every three reads."""
    from accounts.models import User
    from dmvrequests.audit.models import Action, Kind
    from dmvrequests.audit.services import CASE_OBJECT_TYPE, audit_record
    from dmvrequests.cases.services import case_update_intake

    clerks = list(User.objects.filter(username__startswith="clerk-albany-").order_by("username"))
    for n in range(missing):
        clerk = clerks[n % len(clerks)]
        if n % 4 == 0:
            narrative = f"{case.narrative.split(' [')[0]} [call {n}: the officer added details]"
            case = case_update_intake(case=case, actor=clerk, narrative=narrative)
        else:
            audit_record(
                kind=Kind.ACCESS,
                action=Action.VIEW_CASE,
                user=clerk,
                case_number=case.number,
                object_type=CASE_OBJECT_TYPE,
                object_id=case.pk,
            )
    return case


def typical_cases(count=30, most_events=20):
    """Albany cases released some months ago, a dozen events each, none read much yet.

    Picked at random each run: every view is logged and lengthens the timeline, so
    a case viewed by earlier runs is no longer typical.
    """
    import random

    from dmvrequests.cases.models import DisclosureRequest, Status
    from dmvrequests.cases.timeline import case_timeline

    released = DisclosureRequest.objects.filter(office__code="albany", status=Status.FULFILLED)
    numbers = list(released.order_by("-number").values_list("number", flat=True)[100:5000])
    chosen = []
    for number in random.sample(numbers, 3 * count):  # noqa: S311 - a sample, not a secret
        case = released.get(number=number)
        if len(case_timeline(case)) <= most_events:
            chosen.append(case)
        if len(chosen) == count:
            return chosen
    sys.exit("Not enough little-read released cases for the typical case page.")


def search_subjects(count):
    """`count` different Albany cases to search for, spread over the table: every
    search page is measured over all of them in turn, not one lucky subject."""
    from dmvrequests.cases.models import DisclosureRequest

    albany = DisclosureRequest.objects.filter(office__code="albany").exclude(subject_name="")
    total = albany.count()
    step = max(total // (count + 1), 1)
    ids = albany.order_by("pk").values_list("pk", flat=True)
    chosen = [ids[step * (n + 1)] for n in range(count) if step * (n + 1) < total]
    return list(DisclosureRequest.objects.filter(pk__in=chosen).order_by("pk"))


def pages(timeline, subjects=30):
    from bench_pages import Page

    clerk, counsel = "clerk-albany-1", "counsel-albany-1"
    people = search_subjects(subjects)

    def searches(values):
        return tuple(f"/cases/search/?q={quote(value)}" for value in values if value)

    return [
        Page("Clerk queue (open cases of the office)", "/cases/", clerk, 15),
        Page("Clerk queue, closed cases, page 100", "/cases/?status=closed&page=100", clerk, 50),
        Page("Counsel review queue", "/cases/", counsel, 50),
        Page("Counsel: cases assigned to me", "/cases/?tab=mine", counsel, 50),
        Page(
            "Search: license number",
            searches(c.subject_license_number for c in people),
            clerk,
            30,
        ),
        Page("Search: plate", searches(c.subject_plate for c in people), clerk, 30),
        Page("Search: subject name", searches(c.subject_name for c in people), clerk, 30),
        Page(
            "Search: first name only",
            searches(c.subject_name.split()[0] for c in people),
            clerk,
            30,
        ),
        Page(
            f"Case page, {TIMELINE_EVENTS}-event timeline",
            tuple(f"/cases/{case.number}/" for case in timeline),
            clerk,
            30,
        ),
        Page(
            "Case page, typical case (decided, released)",
            tuple(f"/cases/{case.number}/" for case in typical_cases()),
            clerk,
            25,
        ),
        Page(
            f"Full timeline page, {TIMELINE_EVENTS} events",
            tuple(f"/audit/cases/{case.number}/timeline/" for case in timeline),
            clerk,
            30,
        ),
        Page("Dashboard (reports)", "/reports/", BENCH_ADMIN, 300, weight=0.3),
        Page(
            "Django admin changelist (baseline)",
            "/admin/cases/disclosurerequest/",
            BENCH_ADMIN,
            None,
            baseline=True,
        ),
    ]


def run_script(name, *args, env_name):
    """Run a bench script in its own process on the benchmark database; its stdout."""
    environment = {**os.environ, **bench_environment(env_name)}
    completed = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, str(ROOT / "bench" / name), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if completed.returncode not in (0, 1):
        raise RuntimeError(f"{name} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout.strip()


# Years of cases each format exports: the CSV every case; XLSX and JSON, written by
# Python, the last year's (at 1,000,000 cases about 200,000 rows: enough for a steady rate).
EXPORT_FORMATS = {"csv": 10, "xlsx": 1, "json": 1}


def rates(name, cases, messages=300, switch_entries=1_000_000):
    """Export (each format in a process of its own), intake, policy and switch journal
    figures, each labelled with the database it was measured on. The switch journal is
    measured on a database of its own (`NAME_switch`): `switch_entries` messages over a year
    imported with import_switch_log (entries/s, peak memory), then switch_log_stats over that
    year."""
    exports = {}
    for fmt, years in EXPORT_FORMATS.items():
        print(f"Export, {fmt} (bench_export.py)")
        output = run_script(
            "bench_export.py", "--format", fmt, "--years", str(years), env_name=name
        )
        found = json.loads(output.splitlines()[-1])
        exports[fmt] = {**found, "database_cases": cases}
    print("Email intake (bench_intake.py)")
    intake = run_script("bench_intake.py", "--messages", str(messages), env_name=name)
    print("Policy engine (bench_policy.py)")
    policy = run_script("bench_policy.py", env_name=name)
    print(f"Switch journal, {switch_entries:,} entries over a year (bench_switch_log.py)")
    switch = run_script(
        "bench_switch_log.py",
        *("--entries", str(switch_entries), "--days", "365", "--json"),
        *("--database", f"{name}_switch"),
        env_name=name,
    )
    return {
        "exports": exports,
        "export": exports["csv"],
        "intake": intake,
        "policy": policy,
        "switch_journal": json.loads(switch.splitlines()[-1]),
    }


def database_settings():
    """The PostgreSQL settings the figures depend on, as the server reports them."""
    from django.db import connection

    names = ("server_version", "jit", "jit_above_cost", "work_mem", "shared_buffers")
    with connection.cursor() as cursor:
        found = {}
        for setting in names:
            cursor.execute(f"SHOW {setting}")
            found[setting] = cursor.fetchone()[0]
    return found


def as_json(results, figures, *, cases, args, load_before):
    """Every figure as one JSON object, each labelled with its database's size."""
    from bench_report import number_in, page_dicts

    return {
        "database": {"name": args.database, "cases": cases, **database_settings()},
        "machine": machine(),
        "load_average": {"start": round(load_before, 2), "end": round(os.getloadavg()[0], 2)},
        "method": {
            "rounds": args.rounds,
            "iterations": args.iterations,
            "subjects_per_search_page": args.subjects,
        },
        "pages": page_dicts(results, cases),
        "exports": figures["exports"],
        "intake": {
            "messages_per_second": number_in(figures["intake"], r"([\d.,]+) messages/s"),
            "database": "a throwaway test database of the same engine, empty at the start",
            "output": figures["intake"],
        },
        "policy": {
            "evaluations_per_second": number_in(figures["policy"], r"([\d.,]+) evaluations/s"),
            "database": "none (the policy engine is pure Python)",
            "output": figures["policy"],
        },
        "switch_journal": {
            **figures["switch_journal"],
            "database": f"{args.database}_switch, emptied then filled by the import measured",
        },
    }


def growth(small_path, large_path):
    """Markdown: each page's p95 at both sizes and how it grew."""
    small, large = (json.loads(Path(p).read_text()) for p in (small_path, large_path))
    before = {page["label"]: page for page in small["pages"]}
    lines = [
        f"| Page | p95 at {small['database']['cases']:,} cases (ms) "
        f"| p95 at {large['database']['cases']:,} cases (ms) | Growth | Verdict (≤ 1.5×) |",
        "|---|---:|---:|---:|---|",
    ]
    for page in large["pages"]:
        old = before.get(page["label"])
        if old is None:
            continue
        ratio = page["p95_ms"] / old["p95_ms"] if old["p95_ms"] else None
        verdict = "—" if page.get("baseline") else ("meets" if ratio <= 1.5 else "**misses**")
        lines.append(
            f"| {page['label']} | {old['p95_ms']:.1f} | {page['p95_ms']:.1f} "
            f"| {ratio:.2f}× | {verdict} |"
        )
    return "\n".join(lines)


def main():
    args = parse_args()
    if args.growth:
        table = growth(*args.growth)
        print(table)
        write_section("growth", table, args)
        return
    create_database(args.database)
    setup_django(args.database)
    seeded_in = ensure_seeded(args.cases)
    if args.load:
        from bench_load import run_load

        report = run_load(
            args.database, users=args.load_users, seconds=args.load_seconds, env=bench_environment
        )
        print(report)
        write_section("load", report, args)
        return
    load_before = os.getloadavg()[0]
    bench_superuser()
    timeline = timeline_cases()
    print(f"Timeline cases: {', '.join(case.number for case in timeline)}")
    from bench_pages import measure

    measured = pages(timeline, args.subjects)
    results = measure(measured, rounds=args.rounds, iterations=args.iterations)
    jit = jit_comparison(measured, args)
    print(jit_table(jit, args.cases))
    if args.pages_only:
        from bench_report import page_table

        print(page_table(results))
        return
    figures = rates(args.database, args.cases, args.intake_messages, args.switch_entries)
    if args.json:
        document = as_json(results, figures, cases=args.cases, args=args, load_before=load_before)
        document["jit"] = {"database_cases": args.cases, **jit}
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"bench-{args.cases}.json"
        path.write_text(json.dumps(document, indent=2) + "\n")
        print(json.dumps(document, indent=2))
        print(f"Kept in {path.relative_to(ROOT)}.")
    from bench_report import render

    report = render(
        results, figures, cases=args.cases, seeded_in=seeded_in, args=args, load_before=load_before
    )
    print(report)
    write_section(f"pages-{args.cases}", report, args)
    write_section(f"jit-{args.cases}", jit_table(jit, args.cases), args)


def jit_comparison(measured, args):
    """The first-name search with JIT on and off (bench_jit.py)."""
    from bench_jit import compare

    (search,) = [page for page in measured if page.label == "Search: first name only"]
    return compare(search, rounds=args.rounds, iterations=args.iterations)


def jit_table(jit, cases):
    from bench_jit import table

    return table(jit, cases)


def write_section(section, text, args):
    """Replace this section's block in docs/performance.md, keeping everything else."""
    if args.no_write:
        return
    start, end = (
        START.replace("results", f"results:{section}"),
        END.replace("results", f"results:{section}"),
    )
    block = f"{start}\n{text.strip()}\n{end}"
    document = DOC.read_text() if DOC.exists() else ""
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(document):
        document = pattern.sub(lambda _: block, document)
    else:
        document = document.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(document)
    print(f"Written to {DOC.relative_to(ROOT)} ({section}).")


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kb / 1024 / 1024:.0f} GiB, "
        f"PostgreSQL {postgres} (default settings: shared_buffers 128 MB), "
        f"Python {platform.python_version()}, Django {get_version()}; "
        f"shared with other engineers' test runs, measured on {datetime.now():%Y-%m-%d}"
    )


if __name__ == "__main__":
    main()
