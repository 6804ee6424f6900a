"""The daily rollups: kept in step by every change, equal to a rebuild from scratch."""

import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import (
    Decision,
    DecisionOutcome,
    LegalDocument,
    NoticeStatus,
    ReasonCode,
    SubjectNotice,
)
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.reports import rollups
from dmvrequests.reports.counters import NOTICE_STATES
from dmvrequests.reports.models import (
    CaseRollupState,
    DailyRollup,
    MonthlyRollup,
    StateMonthlyRollup,
)
from dmvrequests.reports.statistics import dashboard_figures
from dmvrequests.reports.tests.conftest import DATASET, period_filters
from dmvrequests.testing import make_case

pytestmark = pytest.mark.django_db


def rebuilt():
    """The rollups a rebuild from scratch gives, leaving the kept ones untouched."""
    kept = rollups.snapshot()
    rollups.rebuild(batch=3)  # small batches: the batch boundaries are crossed too
    fresh = rollups.snapshot()
    return kept, fresh


def more_changes(casebook, cases, clerk, counsel, second_counsel):
    """A varied sequence of changes after the known set: intake edits that move a case
    to another day and agency, a document added and described, a pending approval the
    second counsel refuses, a case asked for information, a withdrawal, a new case."""
    received = next(c for c in cases if c.status == "received")
    services.case_update_intake(
        case=received,
        actor=clerk,
        agency=casebook.agency("court"),
        channel="fax",
        received_at=received.received_at - timedelta(days=40),
    )
    document = services.document_add(case=received, actor=clerk, type="none", issuer="none")
    services.document_describe(
        case=received, document=document, actor=clerk, type="judicial_warrant"
    )
    waiting = Decision.objects.get(
        case__in=[c.pk for c in cases], second_approval_required=True, second_approved_at=None
    )
    services.decision_reject_pending(decision=waiting, actor=second_counsel, rationale="No.")
    in_review = next(c for c in cases if c.status == "in_review")
    services.info_request(case=in_review, question="Which docket?", actor=counsel)
    fresh = make_case(
        office=received.office,
        actor=clerk,
        agency=casebook.agency("prosecutor"),
        channel="portal",
        received_at=timezone.now() - timedelta(days=3),
        purpose="criminal_investigation",
        categories=["address"],
        subject_license_number="N1",
        requester_verified=True,
    )
    services.case_transition(case=fresh, action=CaseAction.WITHDRAW, actor=clerk)
    denied = make_case(
        office=received.office,
        actor=clerk,
        agency=casebook.agency("prosecutor"),
        channel="mail",
        received_at=timezone.now() - timedelta(days=2),
        purpose="criminal_investigation",
        categories=["address"],
        subject_license_number="N2",
        requester_verified=True,
    )
    services.case_submit(case=denied, actor=clerk)
    denied.refresh_from_db()
    services.case_decide(
        case=denied,
        actor=counsel,
        outcome=DecisionOutcome.DENIED,
        reason=ReasonCode.INSUFFICIENT_PROCESS,
        rationale="No accepted legal process.",
    )


NOTICE_COUNTERS = [f"notice_{state}" for state in NOTICE_STATES]


def notices_of_every_kind(cases, clerk, counsel):
    """Subject notices on the known set's cases of our office, of every kind, some
    settled through the services as users settle them: returns the expected count of
    each notice counter (the specs' own arithmetic, not the code under test)."""
    today = timezone.localdate()
    ours = [c for c in cases if c.office_id == clerk.office_id]
    ours = [c for c in ours if not SubjectNotice.objects.filter(case=c).exists()][:6]
    assert len(ours) == 6
    made = [
        SubjectNotice.objects.create(case=case, due_date=today + timedelta(days=days))
        for case, days in zip(ours, (5, -5, 1, -3, 2, 0), strict=True)
    ]
    services.notice_record_sent(
        notice=made[0], actor=clerk, sent_at=timezone.now(), method="First-class mail"
    )  # on time
    services.notice_record_sent(
        notice=made[1], actor=clerk, sent_at=timezone.now(), method="First-class mail"
    )  # late
    services.notice_exempt(notice=made[2], actor=counsel, reason="Ongoing investigation.")
    # made[3] overdue, made[4] pending; made[5] sent on time with no deadline:
    SubjectNotice.objects.filter(pk=made[5].pk).update(due_date=None)
    services.notice_record_sent(
        notice=SubjectNotice.objects.get(pk=made[5].pk),
        actor=clerk,
        sent_at=timezone.now(),
        method="First-class mail",
    )
    return {"notice_on_time": 2, "notice_late": 1, "notice_exempted": 1, "notice_open": 2}


def notice_totals(model):
    rows = model.objects.values_list(*NOTICE_COUNTERS)
    return dict(zip(NOTICE_COUNTERS, map(sum, zip(*rows, strict=True)), strict=True))


class TestIncrementalAndRebuildAgree:
    def test_after_the_known_set(self, dataset):
        kept, fresh = rebuilt()
        assert kept == fresh
        states = kept["states"]
        assert len(states) == len(DATASET) + 1  # the one outside the period counted too
        for table in rollups.TABLES:
            total = sum(row.get(table.counted, 0) for row in kept[table.model_name].values())
            if table.counted == "requests":  # every case counted once at each level
                assert total == len(states), table.model_name
            else:  # each decided case twice: under its agency's kind and under every kind
                assert total == 2 * sum(s[5] is not None for s in states.values())

    def test_after_a_varied_sequence_of_changes(
        self, dataset, casebook, clerk, counsel, second_counsel
    ):
        _, cases = dataset
        more_changes(casebook, cases, clerk, counsel, second_counsel)
        kept, fresh = rebuilt()
        assert kept == fresh
        # A case moved to another day and agency left no empty row behind, at any level;
        # the histograms changed too (a denial and a refusal decided cases).
        for table in rollups.TABLES:
            assert all(row.get(table.counted, 0) > 0 for row in kept[table.model_name].values())
        assert kept["StateDecisionTimeBucket"]

    def test_after_subject_notices_of_every_kind(self, dataset, clerk, counsel):
        _, cases = dataset
        expected = notices_of_every_kind(cases, clerk, counsel)
        kept, fresh = rebuilt()
        assert kept == fresh
        for model in (DailyRollup, MonthlyRollup, StateMonthlyRollup):
            assert notice_totals(model) == expected, model.__name__
        # A deleted notice is taken away (as an administrator would delete it).
        SubjectNotice.objects.filter(status=NoticeStatus.EXEMPTED).delete()
        kept, fresh = rebuilt()
        assert kept == fresh
        assert notice_totals(DailyRollup) == {**expected, "notice_exempted": 0}

    def test_a_deleted_document_and_a_deleted_case_are_taken_away(self, dataset):
        _, cases = dataset
        document = LegalDocument.objects.filter(case__in=[c.pk for c in cases]).first()
        assert document is not None
        document.delete()  # as retention or an administrator would
        kept, fresh = rebuilt()
        assert kept == fresh
        case = cases[-1]  # received, nothing hangs on it but its history
        before = sum(DailyRollup.objects.values_list("requests", flat=True))
        rollups.forget_case(case.pk)
        assert sum(DailyRollup.objects.values_list("requests", flat=True)) == before - 1
        assert not CaseRollupState.objects.filter(case_id=case.pk).exists()

    def test_the_dashboard_reads_the_same_figures_after_a_rebuild(self, dataset):
        before = dashboard_figures(period_filters())
        rollups.rebuild()
        after = dashboard_figures(period_filters())
        assert before.summary == after.summary
        assert before.breakdowns == after.breakdowns
        assert before.timing == after.timing


class TestTheMigration:
    def test_it_fills_the_monthly_tables_as_a_rebuild_does(self, dataset):
        fill = importlib.import_module("dmvrequests.reports.migrations.0005_monthly_rollups")
        rollups.rebuild()
        fresh = rollups.snapshot()
        monthly = [t for t in rollups.TABLES if not t.model_name.startswith("Daily")]
        for table in monthly:
            table.model.objects.all().delete()
        fill.fill_monthly(django_apps, None)
        assert rollups.snapshot() == fresh
        assert all(fresh[table.model_name] for table in monthly)

    def test_it_adds_the_notice_counters_as_a_rebuild_does(self, dataset, clerk, counsel):
        fill = importlib.import_module("dmvrequests.reports.migrations.0006_notice_rollups")
        _, cases = dataset
        notices_of_every_kind(cases, clerk, counsel)
        rollups.rebuild()
        fresh = rollups.snapshot()
        # As before the migration: no notice counter anywhere.
        for model in (DailyRollup, MonthlyRollup, StateMonthlyRollup):
            model.objects.update(**dict.fromkeys(NOTICE_COUNTERS, 0))
        for state in CaseRollupState.objects.all():
            state.counters = [c for c in state.counters if c not in NOTICE_COUNTERS]
            state.save()
        assert rollups.snapshot() != fresh
        fill.fill_notices(django_apps, None)
        assert rollups.snapshot() == fresh


class TestCommand:
    def test_it_rebuilds_and_checks(self, dataset):
        DailyRollup.objects.all().delete()  # lost, as after a bulk load
        out = StringIO()
        with pytest.raises(Exception, match="differ"):
            call_command("rebuild_rollups", "--check", stdout=out)
        call_command("rebuild_rollups", stdout=out)
        assert f"Rollups rebuilt: {len(DATASET) + 1} cases" in out.getvalue()
        call_command("rebuild_rollups", "--check", stdout=out)
        assert "agree" in out.getvalue()


class TestQueries:
    def test_the_dashboard_reads_a_fixed_number_of_queries(self, casebook):
        casebook.add_all(DATASET[:3])
        with CaptureQueriesContext(connection) as few:
            dashboard_figures(period_filters())
        casebook.add_all(DATASET[3:])
        with CaptureQueriesContext(connection) as many:
            dashboard_figures(period_filters())
        assert len(few) == len(many)
        # The whole months' counters, requests by agency and histogram, the same three for
        # the edge days, and the three counts of overdue work.
        assert len(many) <= 9
        assert not any('"cases_disclosurerequest"' in q["sql"].split("WHERE")[0]
                       and "GROUP BY" in q["sql"] for q in many)  # fmt: skip
