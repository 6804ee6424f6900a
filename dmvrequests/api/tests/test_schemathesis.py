"""Schemathesis against the API's own OpenAPI document, through WSGI (no server): for every
operation, generated requests (valid and invalid) never get a 5xx, and every response has a
status, content type and body that the document declares. The number of examples is bounded
so that `make test` stays quick."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dmvrequests.api.tests.conftest import caller_for
from dmvrequests.testing import make_case

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# The document is read through WSGI as the tests are collected (it needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def wsgi_keeps_connection(db):
    """As Django's test client does: a WSGI request must not close the test's connection
    (its transaction holds the test data)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(wsgi_keeps_connection, client, officer, office, clerk, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    # A request of the officer's, so some generated numbers may name one.
    make_case(office=office, actor=clerk, agency=officer.agency, requester=officer.requester)
    return caller_for(client, officer).token


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_document(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
