"""Faults, for real: a broker that stops, a worker killed mid-export, a database connection
dropped mid-request, two counsel deciding at once.

Two more faults are proved where their code lives:
- the same email delivered fifty times at once makes one case:
  dmvrequests/intake/tests/test_concurrency.py;
- two counsel approving and denying at once through the services make one decision:
  dmvrequests/cases/tests/test_concurrency.py (here, the same through the web pages).
"""

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import Decision, DisclosureRequest, Status
from dmvrequests.intake.models import InboundMessage
from dmvrequests.intake.services import message_ingest
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.notifications.tasks import outbox_sweep
from dmvrequests.notifications.tests.test_broker_down import RedisServer
from dmvrequests.reports.filters import ReportFilters
from dmvrequests.reports.models import ExportJob, ExportStatus
from dmvrequests.reports.services import export_job_create
from dmvrequests.testing import AgencyFactory, UserFactory, make_case
from dmvrequests.testing_celery import (
    broker,
    media_location,
    wait_for,
    worker,
    worker_environment,
)

# serialized_rollback: restore the data migrations (roles, profiles, agencies) a flush removes.
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def redis_server():
    """A private redis-server, so that stopping it disturbs no other test."""
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def emailed_request(message_id):
    return (
        "From: Officer Ana Reyes <ana.reyes@ice.dhs.gov>\r\nTo: records@dmv.example.gov\r\n"
        f"Subject: Urgent: driver record\r\nMessage-ID: {message_id}\r\n\r\n"
        "A missing child: we need the address of the registered owner of plate ABC1234.\r\n"
    ).encode()


@pytest.mark.worker
@pytest.mark.postgres
@TRANSACTIONAL
def test_an_email_taken_in_with_redis_down_loses_nothing_and_notifies_later(
    office, clerk, counsel, redis_server, settings
):
    """Intake needs no broker; what it leads to (the emergency email to the office) waits
    in the outbox while Redis is down and goes out once it is back."""
    settings.INTAKE_OFFICE = office.code
    office.email = "albany@dmv.example.gov"
    office.save()
    with broker(redis_server.url):
        redis_server.stop()
        result = message_ingest(raw=emailed_request("<redis-down@ice.dhs.gov>"), source="file")
        case = DisclosureRequest.objects.get(number=result.case)
        assert InboundMessage.objects.filter(case=case).exists()
        # The clerk completes the emailed intake and flags the emergency, Redis still down.
        services.case_update_intake(case=case, actor=clerk, emergency=True)
        queued = OutboundEmail.objects.filter(case=case)
        assert queued.exists() and not queued.exclude(sent_at=None).exists()

        redis_server.start()
        # The beat's sweep takes mail older than a minute; age it instead of waiting.
        queued.update(created_at=timezone.now() - timedelta(minutes=2))
        with worker(redis_server.url, environment={"EMAIL_URL": "locmem:"}):
            outbox_sweep.delay()
            assert wait_for(lambda: not OutboundEmail.objects.filter(sent_at=None).exists())
    assert OutboundEmail.objects.filter(case=case, recipient="albany@dmv.example.gov").exists()


# -- A worker killed in the middle of an export --------------------------------------------


@contextmanager
def prefork_worker(broker_url):
    """A worker with a prefork pool of one child: the child runs the task, and when it dies
    the worker lives on and (acks_late, reject_on_worker_lost) puts the task back.
    testing_celery.worker uses the solo pool, where the task would die with the worker."""
    media_root = media_location()
    # Kept after the test so that a failure can be read (the path is in the assertion).
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the worker process writes it
        prefix="celery-prefork-", suffix=".log", delete=False
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "celery", "-A", "dmvrequests", "worker", "--pool=prefork"]
        + ["--concurrency=1", "--without-heartbeat", "--without-gossip", "--without-mingle"]
        + ["-l", "info", "-n", f"faults-{os.getpid()}@%h"],
        cwd=settings.BASE_DIR,
        env=worker_environment(broker_url, media_root, {"EMAIL_URL": "locmem:"}),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with broker(broker_url) as app:
            assert wait_for(lambda: bool(app.control.ping(timeout=0.5)), timeout=60), log.name
        yield log.name
    finally:
        process.terminate()
        process.wait(timeout=30)


def pool_children(broker_url):
    with broker(broker_url) as app:
        stats = app.control.inspect(timeout=2).stats() or {}
    return [pid for worker_stats in stats.values() for pid in worker_stats["pool"]["processes"]]


def job_progress(job_id):
    job = ExportJob.objects.get(pk=job_id)
    return job.status, job.rows_done


@pytest.mark.worker
@pytest.mark.postgres
@TRANSACTIONAL
def test_an_export_whose_worker_is_killed_completes_after_the_restart(redis_server, administrator):
    call_command("seed_synthetic", cases=20_000, years=2, verbosity=0)
    today = timezone.localdate()
    filters = ReportFilters(date_from=today - timedelta(days=3 * 365), date_to=today)
    rows = filters.cases().count()
    with prefork_worker(redis_server.url) as log, broker(redis_server.url):
        # The pool's child is looked up before the job starts: asking the worker takes up to
        # two seconds, long enough for a fast export to finish before the kill.
        (child,) = pool_children(redis_server.url)
        job = export_job_create(
            actor=administrator,
            request=None,
            dataset="cases",
            fmt="xlsx",  # the slowest format: time to kill it half-way
            filters=filters,
            include_identifiers=False,
            reason="",
            rows_total=rows,
        )
        # Killed at its first progress tick (1,000 rows of about 20,000), polled often.
        assert wait_for(lambda: job_progress(job.pk)[1] > 0, timeout=60, interval=0.02)
        os.kill(child, signal.SIGKILL)
        assert job_progress(job.pk)[0] == ExportStatus.RUNNING
        done = wait_for(lambda: job_progress(job.pk)[0] == ExportStatus.DONE, timeout=180)
        assert done, f"the export did not complete after the restart; worker log: {log}"
    job.refresh_from_db()
    assert job.rows_done == rows
    assert job.file and job.file.size > 0


# -- The database connection dropped in the middle of a request ----------------------------


def terminate_backend():
    """End this connection's server process from another session, as a failover would."""
    victim = connection.connection.info.backend_pid
    killer = connection.get_new_connection(connection.get_connection_params())
    killer.autocommit = True
    try:
        killer.execute("SELECT pg_terminate_backend(%s, 5000)", [victim])
    finally:
        killer.close()


@pytest.mark.postgres
@TRANSACTIONAL
def test_a_connection_dropped_mid_decision_shows_the_error_page_and_keeps_nothing(
    office, clerk, counsel, monkeypatch
):
    case = services.case_submit(case=make_case(office=office, actor=clerk), actor=clerk)
    histories = case.history.count()
    from dmvrequests.cases.services import decisions

    real_notice_sync = decisions.notice_sync

    def dropped_then_notice_sync(**arguments):
        # The decision and the case's new status are written; the commit has not come.
        terminate_backend()
        return real_notice_sync(**arguments)

    monkeypatch.setattr(decisions, "notice_sync", dropped_then_notice_sync)
    browser = Client(raise_request_exception=False)
    browser.force_login(counsel)
    response = browser.post(
        reverse("cases:decide", args=[case.number]),
        {"decide-status": Status.IN_REVIEW, "decide-decision": "approve_all"},
    )
    assert response.status_code == 500
    page = response.content.decode()
    assert "Nothing you entered was saved in part" in page
    assert "Traceback" not in page
    connection.close()  # the test's own connection was the one dropped
    case.refresh_from_db()
    assert case.status == Status.IN_REVIEW
    assert not Decision.objects.filter(case=case).exists()
    assert case.history.count() == histories


# -- Two counsel deciding at once, through the pages -----------------------------------------


def post_at_once(posts):
    """Send each (client, url, data) in its own thread, all released together."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def send(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(n, *post)) for n, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.mark.postgres
@TRANSACTIONAL
def test_two_counsel_deciding_on_their_pages_at_once_make_one_decision(office, clerk, counsel):
    other = UserFactory(username="counsel-b", office=office, role="Counsel")
    case = make_case(office=office, actor=clerk, agency=AgencyFactory())
    services.case_submit(case=case, actor=clerk)
    url = reverse("cases:decide", args=[case.number])
    approve = {"decide-status": Status.IN_REVIEW, "decide-decision": "approve_all"}
    deny = {"decide-status": Status.IN_REVIEW, "decide-decision": "deny", "decide-reason": "other"}
    deny["decide-rationale"] = "Not enough to go on."
    clients = [Client(), Client()]
    clients[0].force_login(counsel)
    clients[1].force_login(other)
    started = time.monotonic()
    responses = post_at_once([(clients[0], url, approve), (clients[1], url, deny)])
    assert time.monotonic() - started < 30
    assert sorted(r.status_code for r in responses) == [302, 400]
    refused = next(r for r in responses if r.status_code == 400).content.decode()
    assert "changed while you were looking at it" in refused
    assert Decision.objects.filter(case=case).count() == 1
