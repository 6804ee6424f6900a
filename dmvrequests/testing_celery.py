"""A real Celery worker for tests that need one (marked `worker`, run on PostgreSQL).

The worker is a separate process reading the test database, so the tests that use
it are transactional: what they write is committed and visible to the worker.
"""

import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from dmvrequests.celery import app as celery_app

READY_TIMEOUT = 60


def database_url():
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("A worker process can only share a PostgreSQL test database.")
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def broker(url):
    """Point this process's Celery app at `url`, not eagerly, for the block."""
    saved = {key: celery_app.conf.get(key) for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _reset_connections()
    try:
        yield celery_app
    finally:
        celery_app.conf.update(**saved)
        _reset_connections()


def _reset_connections():
    """Drop pooled broker connections so the next use connects to the new URL."""
    from kombu import pools

    pools.reset()  # kombu's process-wide registry of connection and producer pools
    # Celery's private pools, not in its stubs: set to None, they are made again on next use.
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]


def media_location() -> str:
    """Where the default storage keeps files (settings.STORAGES, a FileSystemStorage)."""
    storages: Any = settings.STORAGES  # read by the stubs as a mapping to `object`
    return storages["default"]["OPTIONS"]["location"]


def worker_environment(broker_url, media_root, extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dmvrequests.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "PRIVATE_MEDIA_ROOT": str(media_root),
        "DMV_TESTING": "1",
        **extra,
    }


@contextmanager
def worker(broker_url, *, media_root=None, environment=None):
    """Start `celery worker` on `broker_url`, with `environment` added to its environment
    variables (its settings come from there, not from this process); wait until it
    answers a ping; stop it after."""
    media_root = media_root or media_location()
    # Kept after the test (delete=False) so that a failing worker's log can be read.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the worker process writes it
        prefix="celery-worker-", suffix=".log", delete=False
    )
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dmvrequests",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=settings.BASE_DIR,
        env=worker_environment(broker_url, media_root, environment or {}),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_ready(process, broker_url, Path(log.name))
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process, broker_url, log_path):
    deadline = time.monotonic() + READY_TIMEOUT
    with broker(broker_url) as app:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited:\n{log_path.read_text()[-4000:]}")
            if app.control.ping(timeout=0.5):
                return
    raise RuntimeError(f"The Celery worker did not start:\n{log_path.read_text()[-4000:]}")


def wait_for(predicate, *, timeout=30, interval=0.2):
    """Poll until `predicate()` is true (the worker commits in its own time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        raise RuntimeError("Tests marked `worker` need REDIS_URL (CI sets it).")
    return url
