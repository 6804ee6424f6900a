"""The benchmark harness (`make bench`): pages, export, intake and policy at scale.

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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DOC = ROOT / "docs" / "performance.md"
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
        "--pages-only",
        action="store_true",
        help="Skip export, intake and policy (implies --no-write).",
    )
    args = parser.parse_args()
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
    from dmvrequests.audit.timeline import case_timeline
    from dmvrequests.cases.models import DisclosureRequest, Status

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
    from dmvrequests.cases.services import request_update_intake

    clerks = list(User.objects.filter(username__startswith="clerk-albany-").order_by("username"))
    for n in range(missing):
        clerk = clerks[n % len(clerks)]
        if n % 4 == 0:
            narrative = f"{case.narrative.split(' [')[0]} [call {n}: the officer added details]"
            case = request_update_intake(case=case, actor=clerk, narrative=narrative)
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

    from dmvrequests.audit.timeline import case_timeline
    from dmvrequests.cases.models import DisclosureRequest, Status

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


def pages(timeline):
    from bench_pages import Page

    from dmvrequests.cases.models import DisclosureRequest

    clerk, counsel = "clerk-albany-1", "counsel-albany-1"
    other = DisclosureRequest.objects.filter(office__code="albany").order_by("-number")[1000]
    return [
        Page("Clerk queue (open cases of the office)", "/cases/", clerk, 50),
        Page("Clerk queue, closed cases, page 100", "/cases/?status=closed&page=100", clerk, 50),
        Page("Counsel review queue", "/cases/", counsel, 50),
        Page("Counsel: cases assigned to me", "/cases/?tab=mine", counsel, 50),
        Page(
            "Search: license number", f"/cases/search/?q={other.subject_license_number}", clerk, 100
        ),
        Page("Search: plate", f"/cases/search/?q={other.subject_plate}", clerk, 100),
        Page("Search: subject name", f"/cases/search/?q={other.subject_name}", clerk, 100),
        Page(
            "Search: first name only",
            f"/cases/search/?q={other.subject_name.split()[0]}",
            clerk,
            100,
        ),
        Page(
            f"Case page, {TIMELINE_EVENTS}-event timeline",
            tuple(f"/cases/{case.number}/" for case in timeline),
            clerk,
            50,
        ),
        Page(
            "Case page, typical case (decided, released)",
            tuple(f"/cases/{case.number}/" for case in typical_cases()),
            clerk,
            50,
        ),
        Page(
            f"Full timeline page, {TIMELINE_EVENTS} events",
            tuple(f"/audit/cases/{case.number}/timeline/" for case in timeline),
            clerk,
            50,
        ),
        Page("Dashboard (reports)", "/reports/", BENCH_ADMIN, 1000, weight=0.3),
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


def rates(name):
    """Export, intake and policy figures, each from its own process."""
    print("Export (bench_export.py)")
    export = json.loads(run_script("bench_export.py", env_name=name).splitlines()[-1])
    print("Email intake (bench_intake.py)")
    intake = run_script("bench_intake.py", "--messages", "300", env_name=name)
    print("Policy engine (bench_policy.py)")
    policy = run_script("bench_policy.py", env_name=name)
    reports = None
    if (ROOT / "bench" / "bench_reports.py").exists():
        print("Reports (bench_reports.py)")
        reports = run_script("bench_reports.py", env_name=name)
    return {"export": export, "intake": intake, "policy": policy, "reports": reports}


def main():
    args = parse_args()
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

    results = measure(pages(timeline), rounds=args.rounds, iterations=args.iterations)
    if args.pages_only:
        from bench_report import page_table

        print(page_table(results))
        return
    figures = rates(args.database)
    from bench_report import render

    report = render(
        results, figures, cases=args.cases, seeded_in=seeded_in, args=args, load_before=load_before
    )
    print(report)
    write_section("pages", report, args)


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
