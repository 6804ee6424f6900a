"""Switch journal import speed: entries per second and peak memory of `import_switch_log`.

    .venv/bin/python bench/bench_switch_log.py --entries 200000 [--database dmv_bench_switch]

Needs PostgreSQL on 127.0.0.1:5432 (the journal's COPY loading and monthly partitions are
PostgreSQL's). Creates the database when missing and migrates it, empties the journal, writes
realistic traffic with `seed_switch_log --output` (seed 1, 90 days), then times
`import_switch_log --json` on it in its own process (wall clock; peak resident memory from the
kernel). At most 1,000,000 entries on a shared machine. Prints one JSON object.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess  # noqa: S404 - runs this project's own commands
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_ENTRIES = 1_000_000


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--database", default="dmv_bench_switch")
    options = parser.parse_args()
    if not 0 < options.entries <= MAX_ENTRIES:
        parser.error(f"--entries must be between 1 and {MAX_ENTRIES:,} on this machine.")
    host = os.environ.get("PGHOST", "127.0.0.1")
    user = os.environ.get("PGUSER", "postgres")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{user}@{host}:5432/{options.database}",
        "DMV_REQUIRE_MFA": "false",
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
        "from dmvrequests.switchjournal.models import JournalEntry, Burst;"
        "JournalEntry.objects.all().delete(); Burst.objects.all().delete()",
    )
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.txt"
        manage(
            env,
            "seed_switch_log",
            "--entries",
            str(options.entries),
            "--seed",
            "1",
            "--output",
            str(journal),
        )
        started = time.perf_counter()
        done = manage(env, "import_switch_log", "--json", str(journal))
        seconds = time.perf_counter() - started
    result = json.loads(done.stdout)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "entries": result["entries"],
                "imported": result["imported"],
                "seconds": round(seconds, 1),
                "entries_per_second": round(result["entries"] / seconds),
                "peak_memory_mb": round(peak_kb / 1024),
                "load_average": os.getloadavg()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
