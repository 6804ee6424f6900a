"""The timeline's tables read in one UNION ALL (cases/timeline_union.py): rows come back as
the instances the ORM would have given, on SQLite and PostgreSQL."""

import datetime
import decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dmvrequests.cases import services, timeline_union
from dmvrequests.cases.models import DisclosureRequest, LegalDocument
from dmvrequests.cases.timeline import SOURCES, case_timeline
from dmvrequests.cases.timeline_union import Arm, ordered, read_arms
from dmvrequests.testing import AgencyFactory, UserFactory, make_case

pytestmark = pytest.mark.django_db


def _story(case):
    return [(e.when, e.who, e.kind, e.sentence, e.changes, e.details) for e in case_timeline(case)]


@pytest.fixture
def busy_case(office, clerk, counsel):
    case = make_case(
        office=office,
        actor=clerk,
        channel="phone",
        received_at=timezone.now() - datetime.timedelta(hours=1),
    )
    services.case_update_intake(case=case, actor=clerk, narrative="Second note.")
    services.document_add(case=case, actor=clerk, type="court_order", issuer="state_judge")
    services.callback_record(
        case=case,
        actor=clerk,
        answered_by="Sgt. Roe",
        called_at=timezone.now() - datetime.timedelta(minutes=5),
        confirmed=True,
        number_called="518-555-0100",
    )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    case.refresh_from_db()
    return case


def test_a_row_reads_back_as_the_orm_reads_it(busy_case):
    (case_rows, document_rows) = read_arms(
        busy_case,
        [
            Arm(DisclosureRequest, lambda case: DisclosureRequest.objects.filter(pk=case.pk)),
            Arm(LegalDocument, lambda case: LegalDocument.objects.filter(case_id=case.pk)),
        ],
    )
    (read,) = case_rows
    stored = DisclosureRequest.objects.get(pk=busy_case.pk)
    for field in DisclosureRequest._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(stored, field.attname), field.name
    (document,) = document_rows
    stored_document = LegalDocument.objects.get(case=busy_case)
    for field in LegalDocument._meta.concrete_fields:
        if isinstance(field, timeline_union.models.BinaryField):
            continue
        assert getattr(document, field.attname) == getattr(stored_document, field.attname)


def test_joined_objects_come_with_the_row_without_a_query(busy_case, clerk):
    history = DisclosureRequest.history.model
    arm = Arm(
        history,
        lambda case: DisclosureRequest.history.filter(id=case.pk),
        {"history_user": ("username", "first_name", "last_name")},
    )
    (rows,) = read_arms(busy_case, [arm])
    with CaptureQueriesContext(connection) as captured:
        names = {str(row.history_user) for row in rows}
    assert captured.captured_queries == []
    assert names == {str(clerk)}
    # The clerk wrote every row: one object for them all, made once.
    assert len(rows) > 1
    assert len({id(row.history_user) for row in rows}) == 1
    assert rows[0].history_user.pk == clerk.pk


def test_a_json_object_cut_in_parts_reads_the_same(busy_case, monkeypatch):
    whole = _story(busy_case)
    monkeypatch.setattr(timeline_union, "PAIRS_PER_OBJECT", 3)
    assert _story(busy_case) == whole
    assert len(whole) >= 4


def test_the_timeline_reads_every_table_in_one_query_and_names_changed_people_with_it(
    busy_case, counsel, clerk
):
    other = UserFactory(office=busy_case.office, role="Counsel")
    busy_case.assigned_counsel = other
    busy_case.save()
    # SQLite's backend asks once per connection whether it has JSON (a query of its own).
    assert connection.features.supports_json_field
    with CaptureQueriesContext(connection) as captured:
        events = case_timeline(busy_case)
    statements = [q["sql"] for q in captured]
    assert len(statements) == 2, statements  # the union (people joined), the list reads
    # Fifteen arms: the case's history, eight kinds of objects' history, the audit records;
    # letters and their sending, staff email, portal messages and files.
    assert len(SOURCES) - 1 + 5 == 15 == statements[0].count("UNION ALL") + 1
    changes = [c for e in events for c in e.changes if c.label == "Assigned counsel"]
    assert [(c.old, c.new) for c in changes] == [("—", str(counsel)), (str(counsel), str(other))]


@pytest.mark.parametrize(
    ("field", "stored", "expected"),
    [
        (
            "DateTimeField",
            "2026-03-01 12:30:00.000001",
            datetime.datetime(2026, 3, 1, 12, 30, 0, 1, tzinfo=datetime.UTC),
        ),
        (
            "DateTimeField",
            "2026-03-01T12:30:00+00:00",
            datetime.datetime(2026, 3, 1, 12, 30, tzinfo=datetime.UTC),
        ),
        ("DateField", "2026-03-01", datetime.date(2026, 3, 1)),
        ("BooleanField", 0, False),
        ("BooleanField", True, True),
        ("DecimalField", 1.5, decimal.Decimal("1.5")),
        ("JSONField", ["address"], ["address"]),
        ("CharField", None, None),
    ],
)
def test_values_are_made_back_from_json(field, stored, expected):
    made = timeline_union._from_json(getattr(timeline_union.models, field)(), stored)
    assert made == expected
    assert type(made) is type(expected)


def test_rows_sort_as_order_by_would():
    now = timezone.now()
    rows = [
        LegalDocument(id=2, uploaded_at=now),
        LegalDocument(id=1, uploaded_at=now),
        LegalDocument(id=3, uploaded_at=now - datetime.timedelta(days=1)),
    ]
    assert [r.id for r in ordered(rows, ("uploaded_at", "id"))] == [3, 1, 2]
    assert [r.id for r in ordered(rows, ("-uploaded_at", "-id"))] == [2, 1, 3]


def test_a_changed_agency_is_named_by_one_query_more(busy_case):
    before = busy_case.agency
    busy_case.agency = AgencyFactory(name="Troy Police Department")
    busy_case.save()
    assert connection.features.supports_json_field
    with CaptureQueriesContext(connection) as captured:
        events = case_timeline(busy_case)
    assert len(captured) == 3, [q["sql"] for q in captured]  # the union, agencies, list reads
    changes = [c for e in events for c in e.changes if c.label == "Agency"]
    assert [(c.old, c.new) for c in changes] == [(str(before), "Troy Police Department")]
