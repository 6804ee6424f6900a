"""The case's UNION ALL compiled once per shape (cases/union_sql.py): every later case reads
exactly what the ORM's own statement for it reads, and a shape that depends on its case
beyond the case's values is never cached."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dmvrequests.cases import services, union_sql
from dmvrequests.cases.models import DecisionOutcome, DisclosureRequest, LegalDocument
from dmvrequests.cases.page_rows import page_rows
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.cases.timeline import case_timeline
from dmvrequests.cases.timeline_union import Arm, read_arms
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def _fields(row):
    return (type(row).__name__, sorted((k, repr(v)) for k, v in vars(row).items() if k[0] != "_"))


def _page_and_timeline(case):
    rows = page_rows(case, share=True)
    lists = {
        name: [_fields(row) for row in (value if isinstance(value, list) else [value]) if row]
        for name, value in vars(rows).items()
    }
    story = [(e.when, e.who, e.kind, e.sentence, e.changes, e.details) for e in case_timeline(case)]
    return lists, story


@pytest.fixture
def cases(office, other_office, clerk, counsel, other_counsel):
    """Three cases of different stories: just logged, decided and released, another office's."""
    logged = make_case(office=office, actor=clerk, subject_name="Ana Ruiz")
    decided = make_case(
        office=office,
        actor=clerk,
        channel="phone",
        received_at=timezone.now() - datetime.timedelta(hours=1),
    )
    services.document_add(case=decided, actor=clerk, type="court_order", issuer="state_judge")
    services.callback_record(
        case=decided,
        actor=clerk,
        answered_by="Sgt. Roe",
        called_at=timezone.now() - datetime.timedelta(minutes=5),
        confirmed=True,
        number_called="518-555-0100",
    )
    services.case_submit(case=decided, actor=clerk, assigned_counsel=counsel)
    decided.refresh_from_db()
    services.document_verify(
        document=decided.documents.get(),
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
        notes="Called the court.",
    )
    decided.refresh_from_db()
    services.case_decide(
        case=decided,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address"],
        rationale="A state judge's order.",
    )
    decided.refresh_from_db()
    elsewhere = make_case(office=other_office, actor=clerk, subject_name="Luis Vega")
    return [logged, decided, elsewhere]


def test_the_cached_statement_reads_what_the_orms_reads(cases, monkeypatch):
    monkeypatch.setattr(union_sql, "_CACHE", {})
    monkeypatch.setattr(union_sql, "ENABLED", False)
    by_orm = [_page_and_timeline(case) for case in cases]
    monkeypatch.setattr(union_sql, "ENABLED", True)
    cached = [_page_and_timeline(case) for case in cases]
    assert cached == by_orm
    assert by_orm[1][0]["decisions"] and by_orm[1][0]["documents"]  # the stories differ
    # Both shapes (the page's lists, the timeline's tables) were cached, not compiled again.
    assert len(union_sql._CACHE) == 2 and all(union_sql._CACHE.values())


def test_a_cached_read_is_one_statement(cases, monkeypatch):
    monkeypatch.setattr(union_sql, "_CACHE", {})
    page_rows(cases[0])
    with CaptureQueriesContext(connection) as captured:
        page_rows(cases[1])
    assert len(captured.captured_queries) == 1


def test_a_shape_chosen_by_the_case_is_never_cached(cases, monkeypatch):
    """An arm that breaks the rule (its query's shape depends on the case's status) is
    compiled for each case, so each reads its own rows."""
    monkeypatch.setattr(union_sql, "_CACHE", {})

    def documents(case):
        if case.status == "received":
            return LegalDocument.objects.filter(case_id=case.pk)
        return LegalDocument.objects.filter(case_id=case.pk, type="court_order")

    arm = Arm(LegalDocument, documents)
    logged, decided, _ = cases
    assert read_arms(logged, [arm]) == [[]]
    (rows,) = read_arms(decided, [arm])
    assert [row.case_id for row in rows] == [decided.pk]
    assert list(union_sql._CACHE.values()) == [None]


def test_a_case_value_inside_a_longer_text_is_never_swapped(cases, monkeypatch):
    monkeypatch.setattr(union_sql, "_CACHE", {})
    arm = Arm(
        DisclosureRequest,
        lambda case: DisclosureRequest.objects.filter(subject_name__contains=case.subject_name),
    )
    for case in cases:
        (rows,) = read_arms(case, [arm])
        assert [row.pk for row in rows] == [case.pk]
    assert list(union_sql._CACHE.values()) == [None]


def test_the_names_are_written_into_the_cached_statement(cases, monkeypatch):
    monkeypatch.setattr(union_sql, "_CACHE", {})
    _page_and_timeline(cases[0])
    for compiled in union_sql._CACHE.values():
        assert compiled is not None
        assert compiled.sql.count("%s") == len(compiled.params) == len(compiled.fields)
        assert not any(
            field is None and isinstance(value, str) and union_sql.NAME.fullmatch(value)
            for value, field in zip(compiled.params, compiled.fields, strict=True)
        )
        assert "'id'" in compiled.sql


def test_only_constant_names_are_inlined():
    compiled = union_sql.Compiled(
        "SELECT %s, %s, %s, %s WHERE a = %s",
        ("id", "it's", 7, "case_no", "x y"),
        (None, None, None, "number", None),
    )
    inlined = union_sql.inline_names(compiled)
    assert inlined.sql == "SELECT 'id', %s, %s, %s WHERE a = %s"
    assert inlined.params == ("it's", 7, "case_no", "x y")
    assert inlined.fields == (None, None, "number", None)
    percent = union_sql.Compiled("SELECT %s WHERE b LIKE '%%x'", ("id",), (None,))
    assert union_sql.inline_names(percent) is percent
