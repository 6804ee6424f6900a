import pytest
from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.correspondence.tests.helpers import refreshed
from dmvrequests.policy.models import PolicyProfile
from dmvrequests.policy.services import profile_activate
from dmvrequests.testing import AgencyFactory, RequesterFactory, make_case


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
