"""A query compiled once (dmvrequests/prepared.py) gives what the QuerySet gives, and falls
back to the ORM whenever its SQL would not be the ORM's."""

import logging

import pytest
from django.db import connection, connections
from django.db.models.sql import compiler as sql_compiler
from django.test.utils import CaptureQueriesContext

from accounts.backends import JOINS, SIGNED_IN_USER, SignedInUserBackend, signed_in_user
from accounts.models import User
from dmvrequests import prepared
from dmvrequests.prepared import PreparedQuery
from dmvrequests.testing import make_officer

pytestmark = pytest.mark.django_db


def _same_user(got, expected):
    fields = [f.attname for f in User._meta.concrete_fields]
    assert [getattr(got, n) for n in fields] == [getattr(expected, n) for n in fields]
    assert got.group_names_json == expected.group_names_json
    for join in JOINS:  # the related objects came with the row, the same values
        first, _, second = join.partition("__")
        assert first in got._state.fields_cache
        mine, theirs = getattr(got, first, None), getattr(expected, first, None)
        assert (mine and mine.pk) == (theirs and theirs.pk)
        if second and theirs is not None:
            assert getattr(mine, second).pk == getattr(theirs, second).pk


@pytest.fixture
def compiled_each_time(monkeypatch):
    """Counts Django's compilations of a SELECT."""
    calls = []
    real = sql_compiler.SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        calls.append(self.query.model)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(sql_compiler.SQLCompiler, "as_sql", counting)
    return calls


def test_the_signed_in_user_is_the_querysets(clerk, counsel):
    officer = make_officer().user
    for user in (clerk, counsel, officer, clerk):
        (got,) = SIGNED_IN_USER.run(user.pk)
        (expected,) = list(signed_in_user(user.pk))
        _same_user(got, expected)
    assert SIGNED_IN_USER.run(10**9) == []


def test_once_checked_a_run_is_one_query_and_no_compilation(clerk, counsel, compiled_each_time):
    query = PreparedQuery(signed_in_user, probes=[-1])
    query.run(clerk.pk)  # compiles the probes' query, then checks the first real one
    assert compiled_each_time.count(User) == 2  # (and the roles subquery with each)
    compiled_each_time.clear()
    with CaptureQueriesContext(connection) as captured:
        (got,) = query.run(counsel.pk)
    assert compiled_each_time == [] and len(captured) == 1
    assert got.username == "counsel" and got.office.code == counsel.office.code


def test_a_query_whose_shape_depends_on_its_value_is_never_prepared(clerk, counsel, caplog):
    def shaped(user_id):
        users = User.objects.filter(pk=user_id)
        return users.select_related("office") if user_id == clerk.pk else users

    query = PreparedQuery(shaped, probes=[clerk.pk + 10**6])
    with caplog.at_level(logging.WARNING, logger="dmvrequests.prepared"):
        (first,) = query.run(clerk.pk)
    assert "depends on more than its values" in caplog.text
    assert "office" in first._state.fields_cache
    (second,) = query.run(counsel.pk)
    assert second.pk == counsel.pk and "office" not in second._state.fields_cache


def test_a_probe_not_among_the_parameters_is_never_prepared(clerk, caplog):
    query = PreparedQuery(lambda user_id: User.objects.filter(pk__gt=0), probes=[-5])
    with caplog.at_level(logging.DEBUG, logger="dmvrequests.prepared"):
        assert [u.pk for u in query.run(clerk.pk)] == [clerk.pk]
    assert "a probe is not among its parameters" in caplog.text


def test_switched_off_it_is_the_orm(clerk, monkeypatch, compiled_each_time):
    monkeypatch.setattr(prepared, "ENABLED", False)
    (got,) = SIGNED_IN_USER.run(clerk.pk)
    assert got.pk == clerk.pk and compiled_each_time


def test_the_backend_refuses_a_session_id_that_is_no_number(clerk):
    backend = SignedInUserBackend()
    assert backend.get_user(str(clerk.pk)).pk == clerk.pk
    assert backend.get_user("not-a-number") is None
    clerk.is_active = False
    clerk.save()
    assert backend.get_user(clerk.pk) is None


def test_the_compiled_query_is_kept_on_the_connection_it_is_bound_to(clerk):
    query = PreparedQuery(signed_in_user, probes=[-1])
    query.run(clerk.pk)
    wrapper = connections["default"]  # this thread's (django.db.connection is a proxy)
    kept = getattr(wrapper, prepared.CONNECTION_ATTRIBUTE)[id(query)]
    assert kept.checked and kept.compiler.connection is wrapper
