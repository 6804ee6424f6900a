"""Concurrency on PostgreSQL: row locks are what make these guarantees true."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(count, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_twenty_concurrent_creations_get_twenty_numbers_without_a_gap(office, clerk):
    assert connection.vendor == "postgresql"
    agency = AgencyFactory()
    results, errors = run_concurrently(
        20, lambda: make_case(office=office, actor=clerk, agency=agency).number
    )
    assert errors == []
    year = timezone.localdate().year
    assert sorted(results) == [f"DR-{year}-{n:06d}" for n in range(1, 21)]
    assert DisclosureRequest.objects.count() == 20
