"""Concurrency on PostgreSQL: row locks are what make these guarantees true."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.testing import AgencyFactory, make_case

# serialized_rollback: restore the data migrations (roles, profiles) that a flush removes.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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


def test_two_counsel_approving_and_denying_at_once_make_one_decision(office, clerk, counsel):
    from dmvrequests.cases import services
    from dmvrequests.cases.models import Decision, DecisionOutcome
    from dmvrequests.testing import UserFactory

    other = UserFactory(username="counsel-b", office=office, role="Counsel")
    case = services.case_submit(case=make_case(office=office, actor=clerk), actor=clerk)
    moves = iter(
        [
            lambda: services.case_decide(
                case=case,
                actor=counsel,
                outcome=DecisionOutcome.APPROVED,
                categories=["address", "license_record"],
            ),
            lambda: services.case_decide(
                case=case,
                actor=other,
                outcome=DecisionOutcome.DENIED,
                reason="other",
                rationale="Not enough.",
            ),
        ]
    )
    lock = threading.Lock()

    def decide():
        with lock:
            move = next(moves)
        return move()

    results, errors = run_concurrently(2, decide)
    assert len(results) == 1
    assert len(errors) == 1 and isinstance(errors[0], services.CaseChanged)
    assert "changed while you were looking" in errors[0].messages[0]
    assert Decision.objects.filter(case=case).count() == 1
