"""A query compiled once (dmvrequests/prepared.py) gives what the QuerySet gives, and falls
back to the ORM whenever its SQL would not be the ORM's; on PostgreSQL it is prepared on the
server once per connection (`server_prepared`), and nothing else is."""

import logging

import pytest
from django.db import connection, connections
from django.db.models.sql import compiler as sql_compiler
from django.test.utils import CaptureQueriesContext

from accounts.backends import JOINS, SIGNED_IN_USER, SignedInUserBackend, signed_in_user
from accounts.models import User
from dmvrequests import prepared
from dmvrequests.prepared import PreparedQuery, server_prepared
from dmvrequests.testing import make_case, make_officer

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


def test_a_query_made_after_another_is_collected_never_finds_its_sql(clerk):
    """A query's key on the connection is its own for good: id() is reused by Python once an
    object is collected, and a test's query then ran another's compiled SQL (CI, PostgreSQL)."""
    first = PreparedQuery(lambda user_id: User.objects.filter(pk=user_id), probes=[-7])
    first.run(clerk.pk)
    key = first.key
    del first
    second = PreparedQuery(lambda user_id: User.objects.filter(pk__gt=0), probes=[-5])
    assert second.key != key


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
    kept = getattr(wrapper, prepared.CONNECTION_ATTRIBUTE)[query.key]
    assert kept.checked and kept.compiler.connection is wrapper


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
BY_ID = "SELECT username FROM accounts_user WHERE id = %s"


def _prepared_statements():
    """{statement text: times run} of this connection's prepared statements."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def _usernames(users):
    with connection.cursor() as cursor:
        names = []
        for user in users:
            cursor.execute(BY_ID, [user.pk])
            names.append(cursor.fetchone()[0])
        return names


@postgresql_only
def test_inside_server_prepared_a_query_is_prepared_once_and_run_by_name(clerk, counsel):
    with server_prepared():
        names = _usernames([clerk, counsel, clerk])
    assert names == [clerk.username, counsel.username, clerk.username]
    runs = [
        n for text, n in _prepared_statements().items() if "accounts_user WHERE id = $1" in text
    ]
    assert runs == [3]  # one statement, prepared at its first run, run three times
    _usernames([counsel])  # outside the block: not prepared, not run by name
    runs = [
        n for text, n in _prepared_statements().items() if "accounts_user WHERE id = $1" in text
    ]
    assert runs == [3]


@postgresql_only
def test_the_query_log_keeps_a_prepared_querys_values(clerk):
    with CaptureQueriesContext(connection) as log, server_prepared():
        _usernames([clerk])
    (logged,) = [q["sql"] for q in log.captured_queries if "accounts_user" in q["sql"]]
    assert logged.startswith("SELECT username FROM accounts_user WHERE id = ")
    assert logged.split("=")[-1].strip().split("::")[0] == str(clerk.pk)


@postgresql_only
def test_switched_off_nothing_is_prepared(clerk, monkeypatch):
    """DATABASE_PREPARED_STATEMENTS=false: the connection's prepare_threshold is None."""
    connection.ensure_connection()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    with server_prepared():
        assert _usernames([clerk]) == [clerk.username]
    assert not [t for t in _prepared_statements() if "accounts_user WHERE id = $1" in t]


@postgresql_only
def test_the_case_page_runs_the_user_the_case_and_its_union_prepared(client, office, clerk):
    case = make_case(office=office, actor=clerk)
    client.force_login(clerk)
    for _ in range(3):
        assert client.get(case.get_absolute_url()).status_code == 200
    ran = _prepared_statements()
    unions = [n for text, n in ran.items() if text.startswith("(SELECT") and "UNION ALL" in text]
    assert unions and min(unions) >= 3  # the timeline's and the decisions', every request
    assert any('FROM "accounts_user"' in text and n >= 3 for text, n in ran.items())
    assert any('FROM "cases_disclosurerequest"' in text and n >= 3 for text, n in ran.items())


def test_elsewhere_server_prepared_changes_nothing(clerk):
    with server_prepared():
        assert list(User.objects.filter(pk=clerk.pk).values_list("username", flat=True)) == [
            clerk.username
        ]
