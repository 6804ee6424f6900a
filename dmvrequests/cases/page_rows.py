"""The case page's lists read in one query: decisions, the subject notice, documents and
their checks, callbacks, questions, releases, open shares, the email thread and the
requesting agency's certifications.

Each list is an arm of one `UNION ALL` (`timeline_union.read_arms`, as the timeline's
tables are); its rows come back as instances with the people and offices they name
attached, sorted as their model's ordering would, and with the case itself attached, so
that nothing the page shows of them asks the database again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models

from accounts.backends import group_names
from accounts.models import Office, User
from dmvrequests.agencies.models import Certification
from dmvrequests.cases.models import (
    Callback,
    CaseShare,
    Decision,
    DisclosureRequest,
    DocumentVerification,
    InfoRequest,
    LegalDocument,
    Release,
    SubjectNotice,
)
from dmvrequests.cases.selectors import office_counsel, share_candidates
from dmvrequests.cases.timeline_union import PERSON, Arm, ordered, read_arms

# What the page does not show of an email received or sent (their bodies and headers stay
# on their own pages).
INBOUND_UNREAD = ("summary", "reason", "discard_reason")
OUTBOUND_UNREAD = ("text", "headers", "identifiers", "unread_reason", "review_reason")


def _of_case(model: Any) -> Any:
    return lambda case: model._default_manager.filter(case_id=case.pk)


def _open_shares(case: DisclosureRequest) -> Any:
    return CaseShare.objects.filter(case_id=case.pk, revoked_at=None)


def _checks(case: DisclosureRequest) -> Any:
    return DocumentVerification.objects.filter(document__case_id=case.pk)


def _agency_certifications(case: DisclosureRequest) -> Any:
    return Certification.objects.filter(agency_id=case.agency_id)


def _thread_model(relation: str) -> Any:
    """The model of the case's email thread behind `relation` (intake's and the outbound
    journal's messages: the cases app knows them only through the case's relations)."""
    return DisclosureRequest._meta.get_field(relation).related_model


def _share_arms() -> dict[str, Arm]:
    """Whom the share form offers: the other offices, and the people with their office and
    roles (`User.with_role_and_office`)."""
    offices = Arm(Office, lambda case: share_candidates(case)[0])
    people = Arm(
        User,
        lambda case: share_candidates(case)[1],
        {"office": ("name",)},
        leave_out=frozenset({"password"}),
        extra={"group_names_json": group_names()},
    )
    return {"share_offices": offices, "share_people": people}


def _counsel_arms() -> dict[str, Arm]:
    """Whom the submit and assign forms offer: the active counsel of the case's office."""
    counsel = Arm(
        User, lambda case: office_counsel(case.office_id), leave_out=frozenset({"password"})
    )
    return {"counsel": counsel}


def _arms(share: bool, counsel: bool) -> dict[str, Arm]:
    inbound, outbound = _thread_model("inbound_messages"), _thread_model("outbound_messages")
    return {
        **(_share_arms() if share else {}),
        **(_counsel_arms() if counsel else {}),
        "decisions": Arm(
            Decision,
            _of_case(Decision),
            {"decided_by": PERSON, "second_approved_by": PERSON},
        ),
        "notices": Arm(SubjectNotice, _of_case(SubjectNotice), {"recorded_by": PERSON}),
        "documents": Arm(LegalDocument, _of_case(LegalDocument), {"uploaded_by": PERSON}),
        "checks": Arm(DocumentVerification, _checks),
        "callbacks": Arm(Callback, _of_case(Callback), {"recorded_by": PERSON}),
        "info_requests": Arm(
            InfoRequest, _of_case(InfoRequest), {"asked_by": PERSON, "answered_by": PERSON}
        ),
        "releases": Arm(Release, _of_case(Release), {"recorded_by": PERSON}),
        "shares": Arm(
            CaseShare,
            _open_shares,
            {"user": PERSON, "office": ("name",), "granted_by": PERSON},
        ),
        "inbound": Arm(inbound, _of_case(inbound), leave_out=frozenset(INBOUND_UNREAD)),
        "outbound": Arm(outbound, _of_case(outbound), leave_out=frozenset(OUTBOUND_UNREAD)),
        # The requesting agency's certifications on file (the page shows their status).
        "certifications": Arm(Certification, _agency_certifications, {"recorded_by": PERSON}),
    }


@dataclass
class PageRows:
    """The case's lists as the page shows them, each in its model's order."""

    decisions: list[Decision]
    notice: SubjectNotice | None
    documents: list[LegalDocument]
    callbacks: list[Callback]
    info_requests: list[InfoRequest]
    releases: list[Release]
    shares: list[CaseShare]
    inbound: list[Any]
    outbound: list[Any]
    certifications: list[Certification]
    # Whom the share form offers (empty when the user may not share the case).
    share_offices: list[Office]
    share_people: list[User]
    # The office's counsel, whom a case is submitted or assigned to (None unless asked: the
    # forms then read them themselves).
    counsel: list[User] | None


def _in_order(model: type[models.Model], rows: list[Any], case: DisclosureRequest) -> list[Any]:
    for row in rows:
        if getattr(row, "case_id", None) == case.pk:
            row.case = case
    keys = [key for key in model._meta.ordering or () if isinstance(key, str)]
    return ordered(rows, [*keys, "pk"])


def _with_checks(documents: list[Any], checks: list[Any]) -> list[Any]:
    """Each document with the result of counsel's latest checklist (`check_result`): a
    document counsel rejected must not look like one nobody has checked yet."""
    latest: dict[Any, Any] = {}
    for check in ordered(checks, ("verified_at", "pk")):
        latest[check.document_id] = check
    for document in documents:
        found = latest.get(document.pk)
        document.check_result = found.result if found else ""
    return documents


def _with_roles(people: list[Any]) -> list[Any]:
    for person in people:
        person.__dict__["role_names"] = frozenset(person.group_names_json or ())
    return people


def page_rows(case: DisclosureRequest, *, share: bool = False, counsel: bool = False) -> PageRows:
    """Every list of the case page, in one query; `share`: with whom the share form offers;
    `counsel`: the office's counsel, whom the submit and assign forms offer."""
    arms = _arms(share, counsel)
    found = dict(zip(arms, read_arms(case, list(arms.values())), strict=True))
    rows = {name: _in_order(arms[name].model, found[name], case) for name in arms}
    notices = ordered(rows["notices"], ("pk",))
    return PageRows(
        decisions=rows["decisions"],
        notice=notices[0] if notices else None,
        documents=_with_checks(rows["documents"], rows["checks"]),
        callbacks=rows["callbacks"],
        info_requests=rows["info_requests"],
        releases=rows["releases"],
        shares=rows["shares"],
        inbound=rows["inbound"],
        outbound=rows["outbound"],
        certifications=rows["certifications"],
        share_offices=ordered(rows.get("share_offices", []), ("name",)),
        share_people=_with_roles(ordered(rows.get("share_people", []), ("last_name", "username"))),
        counsel=ordered(rows["counsel"], ("last_name", "username")) if counsel else None,
    )
