"""The load test: gunicorn as in production, driven on 127.0.0.1 by locust (`make load`).

Called by `bench/run.py --load` once the benchmark database is ready. It gives
the first clerks and counsel of every office a password, starts gunicorn with
the production command on a free loopback port, runs loadtest/locustfile.py
headless for a bounded time with one signed-in session per simulated person,
stops both, and returns a Markdown summary of locust's statistics.
"""

import csv
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = 4  # README's production command; two per core on this 2-core machine
READY_TIMEOUT = 60


def gunicorn_command(port):
    return [
        str(BIN / "gunicorn"),
        "dmvrequests.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        "-",
        "--log-level",
        "warning",
    ]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_accounts(users):
    """`users` accounts, clerks and counsel alternately across the offices, with a new
    password (the synthetic accounts have none)."""
    from accounts.models import User

    clerks = list(User.objects.filter(username__startswith="clerk-").order_by("id"))
    counsel = list(User.objects.filter(username__startswith="counsel-").order_by("id"))
    mixed = [u for pair in zip(clerks, counsel, strict=False) for u in pair][:users]
    if len(mixed) < users:
        sys.exit(f"The database has only {len(mixed)} clerks and counsel for {users} sessions.")
    password = secrets.token_urlsafe(18)
    for user in mixed:
        user.set_password(password)
        user.session_key = ""
        user.save(update_fields=["password", "session_key"])
    return [u.username for u in mixed], password


def wait_until_up(url, process):
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within a minute")


def run_load(database, *, users, seconds, env):
    names, password = load_accounts(users)
    environment = {**os.environ, **env(database)}
    port = free_port()
    scratch = Path(tempfile.mkdtemp(prefix="load-"))
    server_log = (scratch / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        gunicorn_command(port), cwd=ROOT, env=environment, stdout=server_log, stderr=server_log
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/accounts/sign-in/", server)
        locust = drive(port, names, password, users, seconds, scratch, environment)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server_log.close()
    return summary(scratch / "load_stats.csv", users, seconds, locust, scratch)


def drive(port, names, password, users, seconds, scratch, environment):
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "loadtest" / "locustfile.py"),
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(scratch / "load"),
        "--only-summary",
    ]
    print(f"Load: {users} sessions for {seconds} s against gunicorn on 127.0.0.1:{port}")
    locust_env = {**environment, "LOAD_ACCOUNTS": ",".join(names), "LOAD_PASSWORD": password}
    return subprocess.run(  # noqa: S603 - our own virtualenv's locust
        command, cwd=ROOT, env=locust_env, capture_output=True, text=True, timeout=seconds + 120
    )


def summary(stats_path, users, seconds, locust, scratch):
    if not stats_path.exists():
        raise RuntimeError(f"locust wrote no statistics:\n{locust.stdout}\n{locust.stderr}")
    with stats_path.open() as handle:
        rows = list(csv.DictReader(handle))
    lines = [
        f"{users} signed-in sessions (clerks and counsel alternately, one account each) for "
        f"{seconds} s, no pause between pages, against `gunicorn dmvrequests.wsgi --workers "
        f"{WORKERS}` on 127.0.0.1; locust {_locust_version()} on the same 2 cores. Load "
        f"average (1 minute) at the end: {os.getloadavg()[0]:.1f}.",
        "",
        "| Request | Count | Failures | Requests/s | p50 (ms) | p95 (ms) | p99 (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {int(row['Request Count']):,} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    failures = scratch / "load_failures.csv"
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        lines += ["", "Failures:", "", "```", failures.read_text().strip(), "```"]
    return "\n".join(lines)


def _locust_version():
    from importlib.metadata import version

    return version("locust")
