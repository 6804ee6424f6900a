"""The case timeline: every kind of event in one list, in a constant number of queries."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dmvrequests.audit.models import Action, AuditRecord, Kind
from dmvrequests.audit.services import access_log, audit_record
from dmvrequests.cases import services
from dmvrequests.cases.models import (
    Callback,
    CaseShare,
    DecisionOutcome,
    DocumentVerification,
    InfoRequest,
    Release,
    SubjectNotice,
)
from dmvrequests.cases.timeline import SOURCES, QuerySource, TimelineKind, case_timeline
from dmvrequests.cases.timeline_reads import timeline_context
from dmvrequests.oversight.erasure import redaction_apply
from dmvrequests.testing import make_case
from dmvrequests.timewords import moment_words

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


def read(case, user):
    request = RequestFactory().get("/")
    request.user = user
    access_log(request=request, action=Action.VIEW_CASE, case=case)


@pytest.fixture
def decided_case(case, clerk, counsel):
    services.document_add(case=case, actor=clerk, type="court_order", issuer="state_judge")
    services.case_update_intake(case=case, actor=clerk, channel="fax", subject_plate="ABC123")
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    read(case, counsel)
    services.case_decide(
        case=case,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address", "license_record"],
    )
    return case


def events_of(timeline, kind):
    return [e for e in timeline if e.kind == kind]


class TestCaseTimeline:
    def test_it_merges_every_kind_in_order(self, decided_case, clerk, counsel):
        redaction_apply(
            case=decided_case,
            field="narrative",
            text="stopped twice",
            reason="Entered by mistake",
            actor=counsel,
        )
        timeline = case_timeline(decided_case)
        kinds = [e.kind for e in timeline]
        assert set(kinds) >= {"change", "transition", "document", "decision", "read", "redaction"}
        assert [e.when for e in timeline] == sorted(e.when for e in timeline)
        assert timeline[0].sentence == f"{clerk} logged the case as “Received”"
        assert timeline[-1].kind == "redaction"

    def test_it_shows_changes_with_labels_and_choice_names(self, decided_case, clerk):
        (change,) = events_of(case_timeline(decided_case), "change")[1:]
        assert change.sentence == f"{clerk} changed channel, plate"
        assert ("Channel", "Phone", "Fax") in [(c.label, c.old, c.new) for c in change.changes]
        assert ("Plate", "—", "ABC123") in [(c.label, c.old, c.new) for c in change.changes]

    def test_it_shows_a_status_move_with_the_fields_that_came_with_it(
        self, decided_case, clerk, counsel
    ):
        submit, decide = events_of(case_timeline(decided_case), "transition")
        assert submit.sentence == f"{clerk} moved the case from “Received” to “In legal review”"
        assert ("Assigned counsel", "—", str(counsel)) in [
            (c.label, c.old, c.new) for c in submit.changes
        ]
        assert decide.sentence == f"{counsel} moved the case from “In legal review” to “Approved”"

    def test_it_describes_documents_decisions_and_reads(self, decided_case, counsel):
        timeline = case_timeline(decided_case)
        assert events_of(timeline, "document")[0].sentence.endswith(
            "added the document “Court order”"
        )
        decision = events_of(timeline, "decision")[0]
        assert decision.sentence == f"{counsel} approved the request"
        assert "Outcome: Approved: everything asked" in decision.details
        assert events_of(timeline, "read")[0].sentence == f"{counsel} viewed the case"

    def test_an_emailed_file_is_a_document_not_described_yet(self, case):
        services.document_add(case=case, actor=None, type="none", content=PDF, filename="a.pdf")
        (event,) = events_of(case_timeline(case), "document")
        assert event.sentence == "System added the document not described yet (a.pdf)"

    def test_it_leaves_out_saves_that_changed_nothing(self, case, clerk):
        services.case_update_intake(case=case, actor=clerk)
        assert [e.kind for e in case_timeline(case)] == ["change"]

    def test_it_filters_by_kind(self, decided_case):
        timeline = case_timeline(decided_case, kinds=[TimelineKind.READ, TimelineKind.DECISION])
        assert {e.kind for e in timeline} == {"read", "decision"}

    def test_it_ignores_unknown_kinds(self, decided_case, rf):
        request = rf.get("/", {"kind": ["read", "gossip"]})
        context = timeline_context(request, decided_case)
        assert context["timeline_filter"] == ["read"]
        assert {e.kind for e in context["timeline"]} == {"read"}

    def test_it_shows_refused_looks(self, case, other_clerk):
        audit_record(
            kind=Kind.ACCESS,
            action=Action.VIEW_CASE,
            outcome="denied",
            user=other_clerk,
            case_number=case.number,
        )
        (event,) = events_of(case_timeline(case), "read")
        assert event.sentence == f"{other_clerk} was refused access to the case"
        assert event.details == ("Action: Viewed a case",)


def saved(instance, actor):
    instance._history_user = actor
    instance.save()
    return instance


class TestObjectsOfTheCase:
    """Questions, callbacks, releases, notices, shares and document checks."""

    def test_it_tells_the_story_of_each(self, case, clerk, counsel, other_office):
        now = timezone.now()
        question = saved(InfoRequest(case=case, question="Which court?", asked_by=counsel), counsel)
        question.answer, question.answered_by = "Albany County Court", clerk
        saved(question, clerk)
        saved(
            Callback(
                case=case,
                number_called="518-555-0100",
                answered_by="Sgt. Reyes",
                called_at=now,
                confirmed=True,
                recorded_by=clerk,
            ),
            clerk,
        )
        saved(
            Release(
                case=case,
                categories=["address"],
                recipient="Det. Smith",
                method="secure_email",
                released_at=now,
                recorded_by=clerk,
            ),
            clerk,
        )
        notice = saved(SubjectNotice(case=case, rule="VTL 201(12)"), counsel)
        notice.status = "sent"
        saved(notice, clerk)
        share = saved(
            CaseShare(case=case, office=other_office, reason="Joint review", granted_by=clerk),
            clerk,
        )
        share.revoked_at, share.revoke_reason = now, "Review done"
        saved(share, clerk)
        document = services.document_add(case=case, actor=clerk, type="court_order")
        saved(
            DocumentVerification(document=document, result="verified", verified_by=counsel), counsel
        )

        sentences = [e.sentence for e in case_timeline(case) if e.kind != "change"]
        assert sentences == [
            f"{counsel} asked the agency for information",
            f"{clerk} recorded the agency's answer",
            f"{clerk} called the agency at 518-555-0100; Sgt. Reyes confirmed the requester",
            f"{clerk} recorded a release to Det. Smith by secure email",
            f"{counsel} recorded that the subject must be told of the request",
            f"{clerk} marked the subject notice “Sent”",
            f"{clerk} shared the case with Buffalo legal unit",
            f"{clerk} revoked the share with Buffalo legal unit",
            f"{clerk} added the document “Court order”",
            f"{counsel} verified the document “Court order”",
        ]
        release = next(e for e in case_timeline(case) if e.kind == "release")
        assert f"On {moment_words(now)}" in release.details  # "On Dec 3, 2026 12:21 EST"
        assert moment_words(now)[-3:] in ("EST", "EDT")

    def test_each_kind_can_be_chosen_alone(self, case, clerk):
        saved(
            Callback(
                case=case,
                number_called="518-555-0100",
                answered_by="Sgt. Reyes",
                called_at=timezone.now(),
                confirmed=False,
                recorded_by=clerk,
            ),
            clerk,
        )
        (event,) = case_timeline(case, kinds=[TimelineKind.CALLBACK])
        assert event.sentence.endswith("Sgt. Reyes did not confirm the requester")


def case_with_events(office, clerk, count):
    """A case with `count` events besides its creation and a document: field changes,
    reads and releases."""
    case = make_case(office=office, actor=clerk)
    for n in range(count // 2):
        services.case_update_intake(case=case, actor=clerk, narrative=f"Note {n}")
        if n % 2:
            audit_record(
                kind=Kind.ACCESS, action=Action.VIEW_CASE, user=clerk, case_number=case.number
            )
            continue
        release = Release(
            case=case,
            categories=["address"],
            recipient=f"Officer {n}",
            method="fax",
            released_at=timezone.now(),
            recorded_by=clerk,
        )
        saved(release, clerk)
    services.document_add(case=case, actor=clerk, type="judicial_subpoena")
    return case


def queries_for_timeline(case):
    with CaptureQueriesContext(connection) as queries:
        timeline = case_timeline(case)
    return len(queries), len(timeline)


def test_the_query_count_does_not_depend_on_the_number_of_events(office, clerk):
    small_queries, small_events = queries_for_timeline(case_with_events(office, clerk, 10))
    large_queries, large_events = queries_for_timeline(case_with_events(office, clerk, 200))
    assert (small_events, large_events) == (12, 202)
    assert small_queries == large_queries
    # One query for the tables of every source (the UNION ALL of cases/timeline_union.py:
    # the history of the case and of each kind of object of the case, the audit records,
    # the letters and their sending, the staff emails, the portal's messages and files),
    # and one for the reads on list pages, counted by person. No changed foreign key here,
    # so no name is looked up.
    queried_alone = [s for s in SOURCES if isinstance(s, QuerySource)]
    assert large_queries == 1 + len(queried_alone) == 2


class TestTimelineView:
    def url(self, case):
        return reverse("audit:case_timeline", args=[case.number])

    @pytest.mark.parametrize("role", ["clerk", "counsel", "auditor"])
    def test_it_opens_for_those_who_may_see_the_case(self, client, request, decided_case, role):
        client.force_login(request.getfixturevalue(role))
        response = client.get(self.url(decided_case))
        assert response.status_code == 200
        body = response.content.decode()
        assert f"Timeline of {decided_case.number}" in body
        assert "moved the case from “Received” to “In legal review”" in body

    def test_it_records_its_own_read(self, client, case, auditor):
        client.force_login(auditor)
        client.get(self.url(case))
        record = AuditRecord.objects.filter(kind=Kind.ACCESS).get()
        assert (record.action, record.user, record.case_number) == (
            "view_timeline",
            auditor,
            case.number,
        )

    @pytest.mark.parametrize("role", ["other_clerk", "other_counsel"])
    def test_it_answers_404_to_another_office_and_records_it(self, client, request, case, role):
        client.force_login(request.getfixturevalue(role))
        assert client.get(self.url(case)).status_code == 404
        assert AuditRecord.objects.get(kind=Kind.ACCESS).outcome == "denied"

    def test_it_answers_403_to_an_administrator(self, client, case, administrator):
        client.force_login(administrator)
        assert client.get(self.url(case)).status_code == 403

    def test_it_sends_anonymous_users_to_sign_in(self, client, case):
        response = client.get(self.url(case))
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]

    def test_it_filters_by_kind(self, client, decided_case, auditor):
        client.force_login(auditor)
        response = client.get(self.url(decided_case), {"kind": "decision"})
        body = response.content.decode()
        assert "approved the request" in body
        assert "moved the case from" not in body
        assert 'value="decision" checked' in body
