"""With Redis down a clerk still logs a request; its notifications go out once Redis is
back. A real Redis server is started for this test and really stopped."""

import shutil
import socket
import subprocess
import time
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dmvrequests.cases.models import DisclosureRequest
from dmvrequests.notifications.models import OutboundEmail
from dmvrequests.notifications.tasks import outbox_sweep
from dmvrequests.testing import AgencyFactory
from dmvrequests.testing_celery import broker, wait_for, worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server on its own port, so stopping it disturbs nothing else."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Any = None  # the subprocess.Popen once started

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server is needed (Debian package redis-server)"
        self.process = subprocess.Popen(  # noqa: S603 - a fixed local binary
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, timeout=10), "redis-server did not start"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        assert not self.answers()

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_a_request_logged_with_redis_down_notifies_once_redis_is_back(
    client, office, clerk, counsel, redis_server
):
    counsel.email = "counsel@dmv.example.gov"
    counsel.save()
    agency = AgencyFactory()
    client.force_login(clerk)
    with broker(redis_server.url):
        redis_server.stop()
        started = time.monotonic()
        response = client.post(
            reverse("cases:create"),
            {
                "channel": "mail",
                "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "agency": agency.pk,
                "requester_name": "Det. Jane Roe",
                "purpose": "criminal_investigation",
                "categories": ["address"],
                "subject_name": "John Smith",
                "emergency": "on",
                "docs-TOTAL_FORMS": "0",
                "docs-INITIAL_FORMS": "0",
                "docs-MIN_NUM_FORMS": "0",
                "docs-MAX_NUM_FORMS": "10",
            },
        )
        assert response.status_code == 302, response.content.decode()[:1000]
        assert time.monotonic() - started < 15, "the clerk waited too long for a dead broker"
        case = DisclosureRequest.objects.get()
        queued = OutboundEmail.objects.filter(case=case)
        assert queued.count() >= 1 and not queued.exclude(sent_at=None).exists()

        redis_server.start()
        # The beat's sweep only takes mail older than a minute; age it instead of waiting.
        queued.update(created_at=timezone.now() - timedelta(minutes=2))
        with worker(redis_server.url, environment={"EMAIL_URL": "locmem:"}):
            outbox_sweep.delay()
            assert wait_for(lambda: not OutboundEmail.objects.filter(sent_at=None).exists())
    assert OutboundEmail.objects.filter(case=case, recipient="counsel@dmv.example.gov").exists()
