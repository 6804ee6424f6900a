"""The log keeps a refused request's line without its traceback, and a server error's
traceback whole (settings.LOGGING, dmvrequests/logfilters.py)."""

import io
import logging
import logging.config

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse


@pytest.fixture
def log_text():
    """What the console handler of settings.LOGGING writes, into a buffer."""
    config = {**settings.LOGGING, "disable_existing_loggers": False}
    logging.config.dictConfig(config)
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    buffer = io.StringIO()
    original = handler.setStream(buffer)
    yield buffer
    handler.setStream(original)


@pytest.mark.django_db
def test_a_refusal_is_one_line(clerk, log_text):
    client = Client()
    client.force_login(clerk)
    assert client.get(reverse("network:blocklist")).status_code == 403
    written = log_text.getvalue()
    assert "Forbidden" in written and "/network/blocklist/" in written
    assert "Traceback" not in written


def test_a_server_error_keeps_its_traceback(log_text):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        logger.error("Internal Server Error: /x/", exc_info=True, extra={"status_code": 500})
    try:
        raise PermissionDenied
    except PermissionDenied:
        logger.warning("Forbidden: /y/", exc_info=True, extra={"status_code": 403})
    written = log_text.getvalue()
    assert written.count("Traceback") == 1 and "RuntimeError: broken" in written
    assert "Forbidden: /y/" in written
