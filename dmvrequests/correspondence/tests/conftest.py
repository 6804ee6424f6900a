import pytest
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.correspondence.tests.helpers import pdf_engine, refreshed  # noqa: F401
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import AgencyFactory, RequesterFactory, UserFactory, make_case


@pytest.fixture
def ice(db):
    profile_activate(profile=PolicyProfile.objects.get(slug="ny"), actor=None)
    return AgencyFactory(kind="immigration", name="ICE ERO New York")


@pytest.fixture
def denied(office, clerk, counsel, ice):
    """An immigration request with an I-200 only, denied under `ny`: a subject notice is due."""
    requester = RequesterFactory(agency=ice, name="Officer Reyes", email="reyes@ice.example.gov")
    case = make_case(
        office=office,
        actor=clerk,
        agency=ice,
        requester=requester,
        received_at=timezone.now(),
        purpose="civil_immigration_enforcement",
        categories=["address", "photo"],
        subject_name="María Gutiérrez López",
    )
    services.document_add(
        case=case, actor=clerk, type="administrative_warrant", issuer="immigration_officer"
    )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    services.case_decide(
        case=refreshed(case),
        actor=counsel,
        outcome="denied",
        reason="non_judicial_document",
        rationale="An ICE Form I-200 is signed by an immigration officer, not a judge.",
    )
    return refreshed(case)


@pytest.fixture
def approved(office, clerk, counsel):
    """A police request approved for the license record; the address is not approved."""
    police = AgencyFactory(name="Albany Police Department")
    requester = RequesterFactory(agency=police, name="Det. Rivera", email="rivera@apd.example.gov")
    case = make_case(
        office=office,
        actor=clerk,
        agency=police,
        requester=requester,
        categories=["license_record", "address", "ssn"],
    )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    services.case_decide(
        case=refreshed(case),
        actor=counsel,
        outcome="approved",
        categories=["license_record"],
        rationale="Only the license record is needed for the investigation.",
    )
    return refreshed(case)


@pytest.fixture
def approved_ice(office, clerk, counsel, ice):
    """An immigration request with a judicial warrant, approved for the address under `ny`
    (a subject notice is due) and not yet released."""
    requester = RequesterFactory(agency=ice, name="Agent Diaz", email="diaz@ice.example.gov")
    case = make_case(
        office=office,
        actor=clerk,
        agency=ice,
        requester=requester,
        received_at=timezone.now(),
        purpose="criminal_investigation",
        categories=["address"],
        subject_name="Ana Torres",
    )
    document = services.document_add(
        case=case,
        actor=clerk,
        type="judicial_warrant",
        issuer="article_iii_judge",
        court="S.D.N.Y.",
        docket_number="26-mj-1",
    )
    services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)
    services.document_verify(
        document=document,
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
    )
    decision = services.case_decide(
        case=refreshed(case),
        actor=counsel,
        outcome="approved",
        categories=["address"],
        rationale="A warrant signed by a federal judge.",
    )
    second = UserFactory(username="counsel-b", office=office, role="Counsel")
    services.decision_confirm(decision=decision, actor=second)
    return refreshed(case)
