import pytest
from django.db import connection

from dmvrequests.testing import make_case

MIDDLEWARE = "dmvrequests.audit.middleware.AuditUnavailableMiddleware"


@pytest.fixture
def audit_middleware(settings):
    """The 503 middleware, whether or not settings already lists it."""
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


@pytest.fixture
def case(office, clerk):
    return make_case(
        office=office,
        actor=clerk,
        narrative="Asked by phone; subject stopped twice.",
        requester_verified=True,
        channel="phone",
    )


def tamper(sql, params=()):
    """Run SQL on the audit table as someone bypassing the application would.

    On PostgreSQL the append-only trigger is switched off first, as a
    superuser could; the test's transaction rolls the switch back.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred foreign-key check: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")
