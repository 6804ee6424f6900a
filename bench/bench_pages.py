"""Server time and query count of the pages people use all day, on the configured database.

    DATABASE_URL=postgres://... .venv/bin/python bench/bench_pages.py [--rounds 3] [--iterations 30]

Each page is requested in-process through Django's test Client, so the time is
the server's: URL resolution, every middleware (sessions, sign-in, the access
table, the audit log), the views' queries and template rendering; not the
network or a WSGI server. Pages are measured in rounds, interleaved, so that a
burst of noise from another process hits them all alike; each figure is the
median over the rounds of that round's percentile. The query count is taken on
one extra request with the queries captured.

bench/run.py prepares the database (1,000,000 synthetic cases, a case with a
200-event timeline, a superuser for the admin baseline) and calls `measure`.
"""

import itertools
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Page:
    label: str
    url: str | tuple  # several: requested in turn
    username: str
    target_ms: float | None  # p95 target; None: no target, shown for information
    baseline: bool = False  # the Django admin changelist the pages are compared with
    weight: float = 1.0  # share of the iterations (slow pages need fewer)


@dataclass(frozen=True)
class PageResult:
    page: Page
    p50_ms: float
    p95_ms: float
    queries: int
    status: int
    samples: int


def percentile(values, share):
    """Nearest-rank percentile: a value that was measured, never an interpolation."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def _client_for(username):
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _urls(page):
    return itertools.cycle(page.url if isinstance(page.url, tuple) else (page.url,))


def _get(client, url):
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        for _ in response.streaming_content:
            pass
    elapsed = (time.perf_counter() - started) * 1000
    response.close()
    return elapsed, response.status_code


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured)


def measure(pages, *, rounds=3, iterations=30, warmup=3, report=print):
    """PageResult for each page: medians over `rounds` of each round's p50 and p95."""
    clients = {page.username: _client_for(page.username) for page in pages}
    urls = {page: _urls(page) for page in pages}
    for page in pages:
        for _ in range(warmup):
            _get(clients[page.username], next(urls[page]))
    per_round = {page: [] for page in pages}
    statuses = {}
    for number in range(1, rounds + 1):
        for page in pages:
            count = max(3, round(iterations * page.weight))
            timings = []
            for _ in range(count):
                elapsed, statuses[page] = _get(clients[page.username], next(urls[page]))
                timings.append(elapsed)
            per_round[page].append(timings)
        report(f"  round {number} of {rounds} done")
    return [_result(page, per_round[page], statuses[page], clients, urls) for page in pages]


def _result(page, rounds, status, clients, urls):
    return PageResult(
        page=page,
        p50_ms=statistics.median(percentile(r, 0.50) for r in rounds),
        p95_ms=statistics.median(percentile(r, 0.95) for r in rounds),
        queries=_queries(clients[page.username], next(urls[page])),
        status=status,
        samples=sum(len(r) for r in rounds),
    )


def main():
    import argparse
    import os

    parser = argparse.ArgumentParser(description="Time one page on the configured database.")
    parser.add_argument("url")
    parser.add_argument("--username", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dmvrequests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    page = Page(args.url, args.url, args.username, None)
    (result,) = measure([page], rounds=args.rounds, iterations=args.iterations)
    print(
        f"{args.url}: p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
        f"{result.queries} queries, HTTP {result.status}"
    )


if __name__ == "__main__":
    main()
