"""The slowest query of a page and its plan: what limits the page now.

    DATABASE_URL=postgres://... .venv/bin/python bench/slowest.py URL --username NAME [URL ...]

Requests each URL twice in-process as NAME (the first warms the caches), captures the
second request's queries, and prints the slowest with `EXPLAIN (ANALYZE, BUFFERS)`.
The plans in docs/performance.md come from here.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def slowest(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    timed = [q for q in captured.captured_queries if not q["sql"].startswith(("BEGIN", "COMMIT"))]
    query = max(timed, key=lambda q: float(q["time"]))
    total = sum(float(q["time"]) for q in captured.captured_queries)
    return query, len(captured.captured_queries), total


def explain(sql):
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return "(not a SELECT: not explained)"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--username", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmvrequests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=args.username))
    for url in args.urls:
        query, count, total = slowest(client, url)
        print(f"## {url}: {count} queries, {total * 1000:.1f} ms of SQL in all")
        print(f"slowest, {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
        print(explain(query["sql"]))
        print()


if __name__ == "__main__":
    main()
