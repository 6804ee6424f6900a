"""case_get_for reads the case with SQL compiled once per shape of viewer: the SQL and the
parameters are the ORM's for the real user, whoever asks (dmvrequests/prepared.py)."""

import pytest
from django.db import connections

from dmvrequests.cases import selectors
from dmvrequests.cases.capabilities import viewer_shape
from dmvrequests.cases.selectors import CASE_JOINS, CaseNotVisible, case_get_for
from dmvrequests.testing import UserFactory, make_case

pytestmark = pytest.mark.django_db


def _orm_sql(user, number):
    query = selectors.requests_visible_to(user).select_related(*CASE_JOINS)
    return query.filter(number=number).order_by()[:2].query.sql_with_params()


@pytest.fixture
def viewers(clerk, counsel, office):
    return {
        "clerk": clerk,
        "counsel": counsel,
        "auditor": UserFactory(username="auditor-x", office=office, role="Auditor"),
        "clerk without an office": UserFactory(username="nomad", office=None, role="Clerk"),
    }


def test_each_shape_runs_the_orms_sql_for_the_real_user(viewers, office, clerk):
    case = make_case(office=office, actor=clerk)
    for name, user in viewers.items():
        shape = viewer_shape(user)
        query = selectors._prepared_case_query(shape)
        values = (case.number, user.pk, user.office_id)
        compiled = query._prepare(connections["default"])
        assert compiled is not None, name
        assert (compiled.sql, compiled.params_for(values)) == (
            _orm_sql(user, case.number)[0],
            tuple(_orm_sql(user, case.number)[1]),
        ), name


def test_who_sees_the_case_is_unchanged(viewers, office, clerk, other_clerk):
    case = make_case(office=office, actor=clerk)
    for name in ("clerk", "counsel", "auditor"):
        assert case_get_for(viewers[name], case.number).pk == case.pk
        assert case_get_for(viewers[name], case.number).office.pk == office.pk  # joined
    for outsider in (viewers["clerk without an office"], other_clerk):
        with pytest.raises(CaseNotVisible):
            case_get_for(outsider, case.number)
    with pytest.raises(CaseNotVisible):
        case_get_for(viewers["clerk"], "DR-1999-000001")
