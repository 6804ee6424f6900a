"""A small office with a case in every state a page offers a form for, built through the
services: what the fuzzing tests walk every URL against."""

from dataclasses import dataclass, field

from django.utils import timezone

from dmvrequests.cases import services
from dmvrequests.cases.models import DecisionOutcome, SubjectNotice
from dmvrequests.cases.services.documents import REQUIRED_CHECKS
from dmvrequests.testing import AgencyFactory, OfficeFactory, UserFactory, make_case

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    users: dict  # role name -> user
    cases: dict = field(default_factory=dict)  # state -> case
    objects: dict = field(default_factory=dict)  # kind -> object (document, share, ...)


def staff(office):
    """One user per role, and a second counsel (the second approval needs another)."""
    return {
        "Clerk": UserFactory(username="fuzz-clerk", office=office, role="Clerk"),
        "Counsel": UserFactory(username="fuzz-counsel", office=office, role="Counsel"),
        "Counsel B": UserFactory(username="fuzz-counsel-b", office=office, role="Counsel"),
        "Administrator": UserFactory(
            username="fuzz-admin", office=office, role="Administrator", is_staff=True
        ),
        "Auditor": UserFactory(username="fuzz-auditor", office=None, role="Auditor"),
    }


def build_world():
    office = OfficeFactory(name="Albany legal unit", code="albany")
    other = OfficeFactory(name="Buffalo legal unit", code="buffalo")
    world = World(users=staff(office))
    clerk, counsel = world.users["Clerk"], world.users["Counsel"]
    police = AgencyFactory(kind="local_law_enforcement", name="Albany Police Department")
    world.cases["received"] = make_case(office=office, actor=clerk, agency=police, channel="phone")
    world.cases["in_review"] = in_review(office, clerk, counsel, police)
    document = services.document_add(
        case=world.cases["in_review"],
        actor=clerk,
        type="court_order",
        issuer="state_judge",
        content=PDF,
        filename="order.pdf",
    )
    world.objects["document"] = document
    world.objects["share"] = services.case_share(
        case=world.cases["in_review"], actor=counsel, office=other, reason="Joint investigation."
    )
    world.objects["notice"] = SubjectNotice.objects.create(case=world.cases["in_review"])
    world.cases["needs_info"] = needs_info(office, clerk, counsel, police)
    world.cases["approved"] = approved(office, clerk, counsel, police)
    world.cases["pending"] = pending_second_approval(office, clerk, counsel)
    return world


def in_review(office, clerk, counsel, agency):
    case = make_case(office=office, actor=clerk, agency=agency)
    return services.case_submit(case=case, actor=clerk, assigned_counsel=counsel)


def needs_info(office, clerk, counsel, agency):
    case = in_review(office, clerk, counsel, agency)
    services.info_request(case=case, actor=counsel, question="Send the signed order.")
    case.refresh_from_db()
    return case


def approved(office, clerk, counsel, agency):
    case = in_review(office, clerk, counsel, agency)
    services.case_decide(
        case=case,
        actor=counsel,
        outcome=DecisionOutcome.APPROVED,
        categories=["address", "license_record"],
    )
    case.refresh_from_db()
    return case


def pending_second_approval(office, clerk, counsel):
    """An immigration agency's request approved by one counsel, waiting for another."""
    ice = AgencyFactory(kind="immigration", name="ICE HSI New York")
    case = make_case(
        office=office,
        actor=clerk,
        agency=ice,
        categories=["address"],
        received_at=timezone.now(),
    )
    document = services.document_add(
        case=case, actor=clerk, type="judicial_warrant", issuer="article_iii_judge", content=PDF
    )
    services.case_submit(case=case, actor=clerk)
    services.document_verify(
        document=document,
        actor=counsel,
        result="verified",
        checks=dict.fromkeys(REQUIRED_CHECKS, True),
    )
    case.refresh_from_db()
    services.case_decide(
        case=case, actor=counsel, outcome=DecisionOutcome.APPROVED, categories=["address"]
    )
    case.refresh_from_db()
    return case
