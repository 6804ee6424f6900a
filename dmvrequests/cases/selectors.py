"""Every read of cases that depends on who is asking goes through here.

Object lookups answer 404 (Http404) to anyone who may not see the object, so
that a case number outside one's business is indistinguishable from a typo.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Office, User
from accounts.roles import Role
from dmvrequests.audit.models import Action
from dmvrequests.audit.services import access_log, access_log_denied
from dmvrequests.cases.capabilities import (
    ViewerShape,
    capabilities_for,
    open_shares_of,
    viewer_shape,
    visible_cases,
)
from dmvrequests.cases.models import (
    Channel,
    DisclosureRequest,
    DisclosureRequestQuerySet,
    LegalDocument,
    NoticeStatus,
    Status,
    SubjectNotice,
)
from dmvrequests.cases.search import search_match
from dmvrequests.prepared import PreparedQuery

if TYPE_CHECKING:
    from datetime import date

    from dmvrequests.agencies.models import Officer
    from dmvrequests.cases.capabilities import CaseCapabilities


def requests_visible_to(user: User) -> DisclosureRequestQuerySet:
    """The cases `user` may view: auditors every case; clerks and counsel their office's
    cases, cases shared with them or their office, and (counsel) the cases assigned to
    them; administrators none. The rule is the capability model's
    (cases/capabilities.py), so a list and a case page cannot disagree."""
    return visible_cases(user)


class CaseNotVisible(Http404):
    """404 for a case the user may not see (or that does not exist: the two look alike).
    Raised by every lookup of a case by number, so that a refusal on any URL under
    /cases/<number>/ is recorded in the audit log (audit.middleware)."""


CASE_JOINS = ("agency", "requester", "office", "created_by", "assigned_counsel")


def case_get_for(user: User, number: str) -> DisclosureRequest:
    """The case `number` with CASE_JOINS, if `user` may see it; CaseNotVisible otherwise."""
    if user is None or not user.is_authenticated:
        raise CaseNotVisible("No such case")
    shape = viewer_shape(user)
    query = _CASE_BY_NUMBER.get(shape)
    if query is None:
        query = _CASE_BY_NUMBER[shape] = _prepared_case_query(shape)
    found = query.run(number, user.pk, user.office_id)
    if len(found) != 1:
        raise CaseNotVisible("No such case")
    return found[0]


def _prepared_case_query(shape: ViewerShape) -> PreparedQuery:
    """case_get_for's query for one shape of viewer, compiled once (dmvrequests/prepared.py):
    about 1 ms of CPU on every page of a case. The ids are parameters only where the rule
    reads them."""

    def build(number: str, user_id: int, office_id: int | None) -> DisclosureRequestQuerySet:
        viewer = shape.viewer(user_id, office_id)
        visible = visible_cases(viewer)  # a stand-in with the attributes the rule reads
        return visible.select_related(*CASE_JOINS).filter(number=number).order_by()[:2]

    probes = ["\x1fprobe-case-number", -7_301_000_001, -7_301_000_002]
    return PreparedQuery(
        build, [p if used else None for p, used in zip(probes, shape.reads, strict=True)]
    )


# {ViewerShape: PreparedQuery}
_CASE_BY_NUMBER: dict[ViewerShape, PreparedQuery] = {}


def case_get_for_read(*, request, number, action=Action.VIEW_CASE, detail=None):
    """Fetch a case the user may see and record the read; a refusal is recorded as denied.

    Raises Http404 like case_get_for, and AuditUnavailable if either record
    cannot be written (docs/audit.md).
    """
    try:
        case = case_get_for(request.user, number)
    except Http404:
        access_log_denied(request=request, action=action, number=number)
        raise
    access_log(request=request, action=action, case=case, detail=detail)
    return case


def case_with_capabilities_for(
    user: User, number: str
) -> tuple[DisclosureRequest, CaseCapabilities]:
    """(case, what the user may do with it); 404 for a case the user may not see."""
    case = case_get_for(user, number)
    return case, capabilities_for(user, case)


def document_get_for(
    user: User, number: str, document_id: int
) -> tuple[DisclosureRequest, LegalDocument]:
    case = case_get_for(user, number)
    try:
        return case, case.documents.get(pk=document_id)
    except (LegalDocument.DoesNotExist, ValueError):
        raise Http404("No such document") from None


def office_queue(user: User) -> DisclosureRequestQuerySet:
    """A clerk's queue: the office's cases, emergencies and soonest due first."""
    office = DisclosureRequest.objects.filter(office_id=user.office_id)  # type: ignore[misc]
    return office.for_queue().urgent_first()


def review_queue(user: User, *, assigned_only: bool = False) -> DisclosureRequestQuerySet:
    """Counsel's queue: cases waiting for a decision in their office or assigned to them."""
    mine = Q(assigned_counsel=user)
    scope = mine if assigned_only else (Q(office_id=user.office_id) | mine)
    return (
        DisclosureRequest.objects.filter(scope, status=Status.IN_REVIEW).for_queue().urgent_first()
    )


def shared_queue(user: User) -> DisclosureRequestQuerySet:
    """The cases another office shares with `user` or the user's office (read only, until
    that office ends the share), emergencies and soonest due first; the user's own office's
    cases are in its own queue, not here."""
    shared = DisclosureRequest.objects.filter(pk__in=open_shares_of(user).values("case_id"))
    if user.office_id:
        shared = shared.exclude(office_id=user.office_id)
    return shared.for_queue().urgent_first()


# -- What an agency officer may see (the portal and the API) -------------------------------------


def officer_requests(officer: Officer) -> DisclosureRequestQuerySet:
    """The requests `officer` may see, newest first: none until the officer is approved, active
    and verified; the agency's portal administrator every request of the agency; any other
    officer their own (the cases naming the officer's requester). A blocked agency's
    officers still see their past requests. Used by every portal page and API endpoint."""
    if not officer.may_see_requests:
        return DisclosureRequest.objects.none()
    if officer.is_portal_admin:
        scope = Q(agency_id=officer.agency_id)
    else:
        scope = Q(
            agency_id=officer.agency_id,
            requester_id=officer.requester_id,
        )
    return (
        DisclosureRequest.objects.filter(scope)
        .select_related("agency", "requester")
        .order_by("-received_at", "-id")
    )


def officer_case_get(officer: Officer, number: str) -> DisclosureRequest:
    """The request `number` if `officer` may see it; CaseNotVisible (a 404) otherwise, whether
    it exists or not."""
    try:
        return officer_requests(officer).get(number=str(number)[:16])
    except DisclosureRequest.DoesNotExist:
        raise CaseNotVisible("No such request") from None


def requests_search(user: User, query: str) -> DisclosureRequestQuerySet:
    """Every case matching `query` that `user` may see, newest first: by case number,
    license number, plate, VIN or any part of the subject's name (cases/search.py,
    search_match). Unbounded; the search page reads one page through search_page."""
    match = search_match(query)
    if match is None:
        return DisclosureRequest.objects.none()
    matching = DisclosureRequest.objects.filter(match)
    # The narrowed queryset goes in, so that the visibility rule's arms each use an index.
    return visible_cases(user, matching).for_queue().order_by("-received_at", "-id")


# -- What other apps (letters) read about a case --------------------------------------------------


def case_letter_facts(case: DisclosureRequest) -> dict[str, Any]:
    """What a letter says about `case` (already fetched for a user who may see it):
    {"decision": the latest decision in effect or None (an approval still waiting for
    its second counsel is not), "open_question": the latest unanswered question to the
    agency or None, "released": the categories released, sorted, "released_at": the
    latest release's time or None, "notice": the subject notice or None, "submitted": False
    while the case waits to be submitted for legal review (no notice is set up before),
    "after_the_fact": True for a case opened after the fact for a staff email found in the
    mail journal (the agency asked nothing of the legal unit)}."""
    decision = next(
        (
            d
            for d in case.decisions.order_by("-decided_at", "-id")
            if not d.awaiting_second_approval
        ),
        None,
    )
    releases = list(case.releases.order_by("released_at", "id"))
    released = sorted({category for release in releases for category in release.categories})
    return {
        "decision": decision,
        "open_question": case.info_requests.filter(answered_at=None).order_by("-asked_at").first(),
        "released": released,
        "released_at": releases[-1].released_at if releases else None,
        "notice": SubjectNotice.objects.filter(case=case).first(),
        "submitted": case.status != Status.RECEIVED,
        "after_the_fact": case.channel == Channel.OUTBOUND_UNRECORDED,
    }


def notices_due(*, office_id: int, on: date) -> QuerySet[SubjectNotice]:
    """Subject notices still due in `office_id`'s cases whose date is `on` or earlier,
    or that have no fixed date: the day's mailing. Oldest due first."""
    return (
        SubjectNotice.objects.filter(status=NoticeStatus.DUE, case__office_id=office_id)
        .filter(Q(due_date__lte=on) | Q(due_date=None))
        .select_related("case", "case__agency", "case__office")
        .order_by(F("due_date").asc(nulls_last=True), "case__number")
    )


def case_in_office(*, office_id: int, number: str) -> DisclosureRequest | None:
    """The case `number` of the office, or None: for an administrator's preview of a
    letter template on a real case (the view records the read)."""
    return (
        DisclosureRequest.objects.filter(office_id=office_id, number=str(number)[:16])
        .select_related("agency", "requester", "office")
        .first()
    )


def case_by_number(number: str) -> DisclosureRequest | None:
    """The case numbered `number` (DR-YYYY-NNNNNN, any case), or None; for a channel matching
    mail to a case on the system's behalf, not for showing it to a user (no read is logged)."""
    return (
        DisclosureRequest.objects.filter(number=str(number).upper()[:16])
        .select_related("agency", "office")
        .first()
    )


def office_counsel(office: Any) -> QuerySet:
    """The active counsel of `office` (an Office or its id), by name: whom a case of that office may
    be submitted or assigned to (the submit and assign forms)."""
    counsel = User.objects.filter(is_active=True, groups__name=Role.COUNSEL, office=office)
    return counsel.order_by("last_name", "username")


def share_candidates(case: DisclosureRequest) -> tuple[QuerySet, QuerySet]:
    """(offices, people) `case` may be shared with, as querysets in the order shown: the
    other offices by name, and the active clerks and counsel of other offices by name."""
    roles = User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group__name__in=[Role.CLERK, Role.COUNSEL]
    )
    people = (
        User.objects.filter(Exists(roles), is_active=True)
        .exclude(office=case.office_id)
        .order_by("last_name", "username")
    )
    return Office.objects.exclude(pk=case.office_id).order_by("name"), people
