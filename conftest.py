from datetime import timedelta

import pytest
from django.db import transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.utils import timezone

from dmvrequests.testing import AgencyFactory, OfficeFactory, UserFactory

_deserialize = BaseDatabaseCreation.deserialize_db_from_string


def _deserialize_rewriting_history(self, data):
    """serialized_rollback re-saves the migrated rows (profiles, agencies) with their
    history, timestamps cut to milliseconds by the serializer: on PostgreSQL the history
    triggers refuse that unless the transaction says it rewrites history, as redaction
    does (dmvrequests/audit/protection.py). Test set-up only."""
    with transaction.atomic(using=self.connection.alias):
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT set_config('dmvrequests.history_rewrite', 'on', true)")
        _deserialize(self, data)


BaseDatabaseCreation.deserialize_db_from_string = _deserialize_rewriting_history


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Uploaded documents go to a per-test folder, never the developer's own.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private-media"},
        },
    }


@pytest.fixture
def office(db):
    return OfficeFactory(name="Albany legal unit", code="albany")


@pytest.fixture
def other_office(db):
    return OfficeFactory(name="Buffalo legal unit", code="buffalo")


@pytest.fixture
def clerk(office):
    return UserFactory(username="clerk", office=office, role="Clerk")


@pytest.fixture
def other_clerk(other_office):
    """A clerk of another office: must see nothing of ours."""
    return UserFactory(username="clerk2", office=other_office, role="Clerk")


@pytest.fixture
def counsel(office):
    return UserFactory(username="counsel", office=office, role="Counsel")


@pytest.fixture
def other_counsel(other_office):
    return UserFactory(username="counsel2", office=other_office, role="Counsel")


@pytest.fixture
def administrator(office):
    return UserFactory(username="admin", office=office, role="Administrator", is_staff=True)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", office=None, role="Auditor")


@pytest.fixture
def blocked_ice(db):
    """ICE ERO: an immigration agency holding the ORI pattern DCICE*, blocked for 30 days (to
    the second) because state law forbids sharing with civil immigration enforcement. Tests
    whose journal dates need a block of a given day make their own."""
    return AgencyFactory(
        name="ICE ERO",
        kind="immigration",
        oris="DCICE*",
        blocked=True,
        blocked_reason="State law forbids sharing with civil immigration enforcement.",
        blocked_since=timezone.now().replace(microsecond=0) - timedelta(days=30),
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` need PostgreSQL's row locks; on SQLite they are
    deselected (reported as such, not skipped), and CI runs them on PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _mfa_off_unless_asked(request, settings):
    """Most tests sign in with force_login, which has no second factor. MFA is
    tested on its own (tests marked `mfa` keep DMV_REQUIRE_MFA on)."""
    if request.node.get_closest_marker("mfa") is None:
        settings.DMV_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Tasks run in the test's own process (as under `make run`), even when REDIS_URL is
    set for the PostgreSQL and Redis pass: a test that needs a real worker is marked
    `worker` and starts one (dmvrequests/testing_celery.py)."""
    if request.node.get_closest_marker("worker") is not None:
        yield
        return
    from dmvrequests.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
