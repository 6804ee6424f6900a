"""Every read of cases that depends on who is asking goes through here.

Object lookups answer 404 (Http404) to anyone who may not see the object, so
that a case number outside one's business is indistinguishable from a typo.
"""

from django.db.models import Q
from django.http import Http404

from dmvrequests.cases.models import DisclosureRequest, LegalDocument, Status


def requests_visible_to(user):
    """Auditors read everything; clerks and counsel their office's cases; counsel also
    the cases assigned to them. Administrators configure; they do not read cases."""
    cases = DisclosureRequest.objects.all()
    if user.is_auditor:
        return cases
    visible = Q(pk__in=[])
    if (user.is_clerk or user.is_counsel) and user.office_id:
        visible |= Q(office_id=user.office_id)
    if user.is_counsel:
        visible |= Q(assigned_counsel=user)
    return cases.filter(visible)


def request_get_for(user, number):
    try:
        return (
            requests_visible_to(user)
            .select_related("agency", "requester", "office", "created_by", "assigned_counsel")
            .get(number=number)
        )
    except DisclosureRequest.DoesNotExist:
        raise Http404("No such case") from None


def document_get_for(user, number, document_id):
    case = request_get_for(user, number)
    try:
        return case, case.documents.get(pk=document_id)
    except (LegalDocument.DoesNotExist, ValueError):
        raise Http404("No such document") from None


def office_queue(user):
    """A clerk's queue: the office's cases, emergencies and soonest due first."""
    return DisclosureRequest.objects.filter(office_id=user.office_id).for_queue().urgent_first()


def review_queue(user, *, assigned_only=False):
    """Counsel's queue: cases waiting for a decision in their office or assigned to them."""
    mine = Q(assigned_counsel=user)
    scope = mine if assigned_only else (Q(office_id=user.office_id) | mine)
    return (
        DisclosureRequest.objects.filter(scope, status=Status.IN_REVIEW).for_queue().urgent_first()
    )


def requests_search(user, query):
    """Search by case number, license number, plate, VIN or subject name."""
    query = (query or "").strip()
    if not query:
        return DisclosureRequest.objects.none()
    compact = query.upper().replace(" ", "")
    match = (
        Q(number=compact)
        | Q(subject_license_number=compact)
        | Q(subject_plate=compact)
        | Q(subject_vin=compact)
        | Q(subject_name__istartswith=query)
    )
    return requests_visible_to(user).filter(match).for_queue().order_by("-received_at")
