"""Facts about a case that reports count: its outcome, its strongest legal
process, its subject, whether data was produced.

The dashboard, the exports and the transparency report all read them from
here, so one definition serves every figure. Each is an SQL expression to
annotate cases with; the outcome and the legal process also have a Python
twin (`outcome_of`, `primary_of`) for the exports, which read decisions and
documents as streams beside the cases. A test holds the twins together.
"""

from django.db.models import (
    Case,
    CharField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Trim, Upper
from django.utils import timezone

from dmvrequests.cases.models import (
    Decision,
    DecisionOutcome,
    LegalDocument,
    NoticeStatus,
    ReasonCode,
    Release,
    Status,
)
from dmvrequests.reports.expressions import text
from dmvrequests.vocabulary import LegalProcessType


class Outcome:
    """Where a request ended: the words of the dashboard and the exports."""

    APPROVED = "approved"
    APPROVED_PARTIAL = "approved_partial"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"

    choices = [
        (APPROVED, "Approved"),
        (APPROVED_PARTIAL, "Partly approved"),
        (DENIED, "Denied"),
        (WITHDRAWN, "Withdrawn"),
        (PENDING, "Awaiting a decision"),
    ]


def effective_decisions(case_ref="pk"):
    """The decisions that stand, newest first. An approval still waiting for a second
    counsel has not taken effect; one the second counsel refused is followed by a
    later denial, which therefore comes first."""
    return (
        Decision.objects.filter(case=OuterRef(case_ref))
        .exclude(second_approval_required=True, second_approved_at=None)
        .order_by("-decided_at", "-id")
    )


def standing_decisions(cases):
    """Each case's standing decision (the one effective_decisions() puts first), for
    the cases of `cases`: a standing decision no later standing decision follows."""
    standing = Decision.objects.exclude(second_approval_required=True, second_approved_at=None)
    later = standing.filter(case=OuterRef("case")).filter(
        Q(decided_at__gt=OuterRef("decided_at"))
        | Q(decided_at=OuterRef("decided_at"), id__gt=OuterRef("id"))
    )
    return standing.filter(case__in=cases).filter(~Exists(later))


def outcome():
    """approved | approved_partial | denied | withdrawn | pending, for each case."""
    code = Case(
        When(outcome=DecisionOutcome.DENIED, then=text(Outcome.DENIED)),
        When(reason=ReasonCode.APPROVED_PARTIAL, then=text(Outcome.APPROVED_PARTIAL)),
        default=text(Outcome.APPROVED),
        output_field=CharField(),
    )
    latest = effective_decisions().annotate(code=code).values("code")[:1]
    return Case(
        When(status=Status.WITHDRAWN, then=text(Outcome.WITHDRAWN)),
        default=Coalesce(Subquery(latest, output_field=CharField()), text(Outcome.PENDING)),
        output_field=CharField(),
    )


def outcome_of(status, decided, reason):
    """outcome() for a case read in Python, from its status and its standing
    decision's outcome and reason (`decided` is None without one). The two must
    agree; a test holds them to it case by case."""
    if status == Status.WITHDRAWN:
        return Outcome.WITHDRAWN
    if decided is None:
        return Outcome.PENDING
    return decision_outcome(decided, reason)


def decision_outcome(decided, reason):
    """approved | approved_partial | denied, for a standing decision."""
    if decided == DecisionOutcome.DENIED:
        return Outcome.DENIED
    if reason == ReasonCode.APPROVED_PARTIAL:
        return Outcome.APPROVED_PARTIAL
    return Outcome.APPROVED


def notice_state(status, sent_at, due_date):
    """on_time | late | exempted | open | None, for a subject notice's status, sending
    instant (aware datetime or None) and due date (date or None). On time: sent on or
    before the due date in the state's time zone, or sent at all without a deadline;
    late: sent after it (docs/reports.md). None: recorded as sent with no sending time
    but a deadline, which neither row can claim."""
    if status == NoticeStatus.EXEMPTED:
        return "exempted"
    if status != NoticeStatus.SENT:
        return "open"
    if due_date is None:
        return "on_time"
    if sent_at is None:
        return None
    return "on_time" if timezone.localtime(sent_at).date() <= due_date else "late"


# Strongest first: what a request rests on when it offers several documents.
# Judicial process, then the subject's own consent, then the administrative
# papers that compel nothing from a DMV; "none" last.
PROCESS_STRENGTH = (
    LegalProcessType.JUDICIAL_WARRANT,
    LegalProcessType.COURT_ORDER,
    LegalProcessType.GRAND_JURY_SUBPOENA,
    LegalProcessType.JUDICIAL_SUBPOENA,
    LegalProcessType.TRIAL_SUBPOENA,
    LegalProcessType.SUBJECT_CONSENT,
    LegalProcessType.ADMINISTRATIVE_WARRANT,
    LegalProcessType.ADMINISTRATIVE_SUBPOENA,
    LegalProcessType.DETAINER,
    LegalProcessType.NOTICE_TO_APPEAR,
    LegalProcessType.NONE,
)


STRENGTH_RANK = {kind.value: rank for rank, kind in enumerate(PROCESS_STRENGTH)}


def primary_of(types):
    """primary_legal_process() for the set of document types of a case read in Python."""
    if not types:
        return LegalProcessType.NONE.value
    return min(types, key=STRENGTH_RANK.__getitem__)


def primary_legal_process():
    """The strongest type among the documents offered, or "none" without documents."""
    rank = Case(
        *[When(type=kind, then=Value(i)) for i, kind in enumerate(PROCESS_STRENGTH)],
        output_field=IntegerField(),
    )
    strongest = (
        LegalDocument.objects.filter(case=OuterRef("pk"))
        .annotate(rank=rank)
        .order_by("rank", "id")
        .values("type")[:1]
    )
    return Coalesce(
        Subquery(strongest, output_field=CharField()), text(LegalProcessType.NONE.value)
    )


def subject_key():
    """Who (or which vehicle) a request is about, or NULL for a request by criteria.

    The first identifier present: license number, then plate, then VIN, then the
    name with the date of birth. Services store identifiers upper-cased and
    trimmed, so equal identifiers compare equal. Two requests naming the same
    person by different identifiers count as two subjects: this over-counts
    rather than guess that two records are one person.
    """
    return Case(
        When(
            ~Q(subject_license_number=""),
            then=Concat(text("license:"), "subject_license_number"),
        ),
        When(~Q(subject_plate=""), then=Concat(text("plate:"), "subject_plate")),
        When(~Q(subject_vin=""), then=Concat(text("vin:"), "subject_vin")),
        When(
            ~Q(subject_name=""),
            then=Concat(
                text("name:"),
                Upper(Trim("subject_name")),
                text("|"),
                Coalesce(Cast("subject_dob", CharField()), text("")),
            ),
        ),
        default=Value(None, output_field=CharField()),
        output_field=CharField(),
    )


def produced():
    """Some data was released: the ledger has a release for the case."""
    return Exists(Release.objects.filter(case=OuterRef("pk")))


def offered(process_type=None):
    """The case has a legal document (of `process_type`, when given)."""
    documents = LegalDocument.objects.filter(case=OuterRef("pk"))
    if process_type:
        documents = documents.filter(type=process_type)
    return Exists(documents)
