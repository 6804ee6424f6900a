import pytest
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome, ReasonCode, Status
from dmvrequests.cases.workflow import CaseAction
from dmvrequests.testing import AgencyFactory, make_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\nsome content\n%%EOF"


class TestRequestCreate:
    def test_it_numbers_cases_in_sequence_within_the_year(self, office, clerk):
        first = make_case(office=office, actor=clerk)
        second = make_case(office=office, actor=clerk)
        year = timezone.localdate().year
        assert first.number == f"DR-{year}-000001"
        assert second.number == f"DR-{year}-000002"

    def test_it_records_the_actor_in_history(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        assert case.history.get().history_user == clerk

    def test_it_normalises_identifiers(self, office, clerk):
        case = make_case(
            office=office, actor=clerk, subject_plate="abc 123", subject_license_number=" d123 "
        )
        assert case.subject_plate == "ABC123"
        assert case.subject_license_number == "D123"

    def test_it_sets_an_emergency_due_date_to_the_next_day(self, office, clerk):
        case = make_case(office=office, actor=clerk, emergency=True)
        assert (case.due_date - case.received_date).days == 1

    def test_a_refused_case_does_not_use_up_a_number(self, office, clerk):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            make_case(office=office, actor=clerk, purpose="not-a-purpose")
        case = make_case(office=office, actor=clerk)
        assert case.number.endswith("-000001")


class TestDocumentAdd:
    def test_it_stores_a_pdf_with_its_sha256(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        document = services.document_add(
            case=case,
            actor=clerk,
            type="court_order",
            issuer="state_judge",
            content=PDF,
            filename="../../etc/order.pdf",
        )
        import hashlib

        assert document.sha256 == hashlib.sha256(PDF).hexdigest()
        assert document.content_type == "application/pdf"
        assert document.original_filename == "order.pdf"
        assert document.file.read() == PDF

    def test_it_refuses_a_file_that_is_not_a_document(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        with pytest.raises(services.WorkflowError, match="not a PDF, PNG, JPEG or TIFF"):
            services.document_add(
                case=case,
                actor=clerk,
                type="court_order",
                content=b"MZ\x90\x00 executable",
                filename="order.pdf",
            )
        assert case.documents.count() == 0

    def test_it_refuses_an_oversize_file(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        with pytest.raises(services.WorkflowError, match="limit"):
            services.document_add(
                case=case,
                actor=clerk,
                type="court_order",
                content=PDF + b"x" * 2048,
                filename="big.pdf",
                max_bytes=1024,
            )


class TestWorkflow:
    def test_a_clerk_submits_a_received_case(self, office, clerk, counsel):
        case = make_case(office=office, actor=clerk)
        case = services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
        assert case.status == Status.IN_REVIEW
        assert case.assigned_counsel == counsel
        assert case.submitted_at is not None

    def test_counsel_cannot_submit(self, office, clerk, counsel):
        case = make_case(office=office, actor=clerk)
        with pytest.raises(services.WorkflowError, match="role"):
            services.case_submit(case=case, actor=counsel)

    def test_it_refuses_counsel_of_another_office(self, office, clerk, other_counsel):
        case = make_case(office=office, actor=clerk)
        with pytest.raises(services.WorkflowError, match="counsel of the case's office"):
            services.case_submit(case=case, actor=clerk, assigned_counsel=other_counsel)

    def test_it_tells_the_user_when_the_case_changed(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        services.case_transition(case=case, action=CaseAction.WITHDRAW, actor=clerk)
        with pytest.raises(services.CaseChanged, match="changed while you were looking"):
            services.case_submit(case=case, actor=clerk)

    def test_a_move_outside_the_table_is_refused(self, office, clerk):
        case = make_case(office=office, actor=clerk)
        with pytest.raises(services.WorkflowError, match="cannot be"):
            services.case_transition(case=case, action=CaseAction.CLOSE, actor=clerk)


def submitted(office, clerk, **overrides):
    case = make_case(office=office, actor=clerk, **overrides)
    return services.case_submit(case=case, actor=clerk)


class TestDecide:
    def test_counsel_approves_what_the_engine_finds_eligible(self, office, clerk, counsel):
        case = submitted(office, clerk)
        decision = services.case_decide(
            case=case,
            actor=counsel,
            outcome=DecisionOutcome.APPROVED,
            categories=["address", "license_record"],
        )
        case.refresh_from_db()
        assert case.status == Status.APPROVED
        assert decision.reason == ReasonCode.APPROVED_FULL
        assert decision.evaluation["decision"] == "eligible"
        assert decision.profile_slug == "dppa"
        assert decision.profile_version is not None and decision.profile_version >= 1

    def test_a_partial_approval_needs_a_rationale(self, office, clerk, counsel):
        case = submitted(office, clerk)
        with pytest.raises(services.WorkflowError, match="rationale"):
            services.case_decide(
                case=case, actor=counsel, outcome=DecisionOutcome.APPROVED, categories=["address"]
            )
        decision = services.case_decide(
            case=case,
            actor=counsel,
            outcome=DecisionOutcome.APPROVED,
            categories=["address"],
            rationale="Address only.",
        )
        assert decision.reason == ReasonCode.APPROVED_PARTIAL

    def test_a_denied_request_cannot_be_approved(self, office, clerk, counsel):
        agency = AgencyFactory(kind="private")
        case = submitted(office, clerk, agency=agency, purpose="other")
        with pytest.raises(services.WorkflowError, match="denies this request"):
            services.case_decide(
                case=case,
                actor=counsel,
                outcome=DecisionOutcome.APPROVED,
                categories=["address"],
                rationale="x",
            )
        assert case.decisions.count() == 0

    def test_approved_categories_must_be_releasable(self, office, clerk, counsel):
        agency = AgencyFactory(kind="private")
        case = submitted(
            office,
            clerk,
            agency=agency,
            purpose="locate_person",
            categories=["license_record", "photo"],
        )
        with pytest.raises(services.WorkflowError, match="not releasable"):
            services.case_decide(
                case=case,
                actor=counsel,
                outcome=DecisionOutcome.APPROVED,
                categories=["license_record", "photo"],
                rationale="x",
            )

    def test_a_denial_needs_a_reason_and_rationale(self, office, clerk, counsel):
        case = submitted(office, clerk)
        with pytest.raises(services.WorkflowError, match="reason"):
            services.case_decide(case=case, actor=counsel, outcome=DecisionOutcome.DENIED)
        with pytest.raises(services.WorkflowError, match="rationale"):
            services.case_decide(
                case=case,
                actor=counsel,
                outcome=DecisionOutcome.DENIED,
                reason=ReasonCode.NO_RECORDS,
            )
        services.case_decide(
            case=case,
            actor=counsel,
            outcome=DecisionOutcome.DENIED,
            reason=ReasonCode.NO_RECORDS,
            rationale="No match on file.",
        )
        case.refresh_from_db()
        assert case.status == Status.DENIED

    def test_whoever_logged_the_case_cannot_decide_it(self, office, counsel):
        from django.contrib.auth.models import Group

        counsel.groups.add(Group.objects.get(name="Clerk"))
        counsel = type(counsel).objects.get(pk=counsel.pk)
        case = submitted(office, counsel)
        with pytest.raises(services.WorkflowError, match="another counsel"):
            services.case_decide(
                case=case,
                actor=counsel,
                outcome=DecisionOutcome.DENIED,
                reason=ReasonCode.OTHER,
                rationale="x",
            )

    def test_only_verified_documents_count(self, office, clerk, counsel):
        ice = AgencyFactory(kind="immigration")
        from dmvrequests.policy.models import PolicyProfile
        from dmvrequests.policy.services import profile_activate

        profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
        case = submitted(
            office,
            clerk,
            agency=ice,
            purpose="civil_immigration_enforcement",
            categories=["address"],
        )
        document = services.document_add(
            case=case, actor=clerk, type="judicial_warrant", issuer="article_iii_judge"
        )
        evaluation, _ = services.case_evaluate(case)
        assert evaluation is not None and evaluation["decision"] == "deny"
        services.document_verify(
            document=document,
            actor=counsel,
            result="verified",
            checks=dict.fromkeys(services.documents.REQUIRED_CHECKS, True),
        )
        evaluation, _ = services.case_evaluate(case)
        assert evaluation is not None and evaluation["decision"] == "eligible"
