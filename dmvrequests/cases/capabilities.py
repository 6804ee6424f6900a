"""What a user may do with a case: one set of rules, for one case and for a queryset.

The rules read four facts: the user's role, the user's office, the case's
assigned counsel and the case's open shares. `capabilities_for` answers for one
case; `visible_cases` gives the same `view` rule as a query, so a list and a
case page can never disagree. The services check these capabilities before
they change anything; views and templates ask the same object what to offer.
The table is written down in docs/security.md.

- The case's own office: clerks and counsel act in the workflow (the roles of
  each move come from workflow.TRANSITIONS); counsel also decide, redact and
  share.
- The assigned counsel (possibly of another office): as counsel of the office,
  except sharing, which stays with the office that owns the case.
- A share, personal or to an office: read-only (view and download).
- Auditors read every case and change none; administrators read none.
"""

from dataclasses import dataclass
from types import SimpleNamespace
from typing import NamedTuple

from django.db.models import BigIntegerField, Exists, OuterRef, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast

from dmvrequests.cases.models import CaseShare, DisclosureRequest


class Relation:
    OWN_OFFICE = "own office"
    ASSIGNED = "assigned counsel"
    PERSONAL_SHARE = "shared with you"
    OFFICE_SHARE = "shared with your office"
    AUDITOR = "auditor"
    NONE = "none"


CAPABILITIES = ("view", "download", "act", "decide", "redact", "share")

# What a refusal says, by the capability that was missing.
NOT_YOURS = "This case belongs to another office and is not shared with you."
READ_ONLY = (
    "The case is shared with you to read only; its own office or its assigned counsel works on it."
)
REFUSALS = {
    "view": NOT_YOURS,
    "download": NOT_YOURS,
    "act": NOT_YOURS,
    "decide": "Only counsel of the case's office or its assigned counsel can do this.",
    "redact": "Only counsel of the case's office or its assigned counsel can redact the case.",
    "share": "Only counsel of the case's own office can share it or revoke its shares.",
}


@dataclass(frozen=True)
class CaseCapabilities:
    """What one user may do with one case, and why (the relation)."""

    relation: str = Relation.NONE
    view: bool = False
    download: bool = False
    act: bool = False
    decide: bool = False
    redact: bool = False
    share: bool = False

    def refusal(self, capability):
        """The message for a user who lacks `capability`."""
        if self.relation == Relation.AUDITOR:
            return "Auditors read cases; they do not change them."
        if self.relation in (Relation.PERSONAL_SHARE, Relation.OFFICE_SHARE):
            return READ_ONLY
        return REFUSALS[capability]

    @property
    def read_only(self):
        return self.view and not self.act


NOTHING = CaseCapabilities()


def _is_staff(user):
    """Clerks and counsel: the roles that work on cases."""
    return user.is_clerk or user.is_counsel


class ViewerShape(NamedTuple):
    """What the shape of the `view` rule's query depends on (_visible_by_rule), apart from
    the ids it compares: a signed-in user's roles and whether they have an office."""

    auditor: bool
    clerk: bool
    counsel: bool
    with_office: bool

    @property
    def reads(self) -> tuple[bool, bool, bool]:
        """Whether the rule's query holds (the case number, the user's id, the office's id)."""
        staff = not self.auditor and (self.clerk or self.counsel)
        return (True, staff, staff and self.with_office)

    def viewer(self, user_id: int, office_id: int | None) -> SimpleNamespace:
        """A stand-in for a user of this shape: what visible_cases reads of a user, no more
        (reading anything else raises AttributeError)."""
        return SimpleNamespace(
            is_authenticated=True,
            is_auditor=self.auditor,
            is_clerk=self.clerk,
            is_counsel=self.counsel,
            pk=user_id,
            office_id=office_id if self.with_office else None,
        )


def viewer_shape(user) -> ViewerShape:
    """The ViewerShape of a signed-in `user`."""
    return ViewerShape(
        bool(user.is_auditor), bool(user.is_clerk), bool(user.is_counsel), bool(user.office_id)
    )


def open_shares_of(user):
    """The shares not revoked that open a case to `user` or to the user's office."""
    personal = Q(user_id=user.pk)
    if user.office_id:
        personal |= Q(office_id=user.office_id)
    return CaseShare.objects.filter(personal, revoked_at=None)


def relation_of(user, case):
    """The strongest relation between the user and the case (the order of Relation)."""
    if user is None or not user.is_authenticated:
        return Relation.NONE
    if _is_staff(user):
        if user.office_id and user.office_id == case.office_id:
            return Relation.OWN_OFFICE
        if user.is_counsel and case.assigned_counsel_id == user.pk:
            return Relation.ASSIGNED
        shares = set(open_shares_of(user).filter(case=case).values_list("user_id", flat=True))
        if user.pk in shares:
            return Relation.PERSONAL_SHARE
        if shares:
            return Relation.OFFICE_SHARE
    if user.is_auditor:
        return Relation.AUDITOR
    return Relation.NONE


def capabilities_for(user, case):
    """What `user` may do with `case`."""
    relation = relation_of(user, case)
    if relation == Relation.NONE:
        return NOTHING
    if relation in (Relation.AUDITOR, Relation.PERSONAL_SHARE, Relation.OFFICE_SHARE):
        return CaseCapabilities(relation=relation, view=True, download=True)
    counsel = user.is_counsel
    return CaseCapabilities(
        relation=relation,
        view=True,
        download=True,
        act=True,
        decide=counsel,
        redact=counsel,
        share=counsel and relation == Relation.OWN_OFFICE,
    )


def visible_cases(user, cases=None):
    """The cases `user` may view, as a queryset: the `view` rule of capabilities_for.

    Without `cases`, the rule is one condition on the whole table (the office's, or
    assigned to the user, or shared), which suits a lookup by number or id. With
    `cases`, a queryset the caller has already narrowed (a search), the rule becomes
    `id IN (the office's cases among them UNION ALL those assigned to the user UNION
    ALL those shared)`: each arm carries the caller's filters, so PostgreSQL answers
    each from its own index (the office's arm from `(office, name key)` trigrams,
    migration cases/0008) and reads only the rows the user may see, instead of every
    row that matches and then the rule, row by row."""
    if user is None or not user.is_authenticated:
        return (cases if cases is not None else DisclosureRequest.objects.all()).none()
    if cases is None:
        return _visible_by_rule(user, DisclosureRequest.objects.all())
    arms = visible_arms(user, cases)
    if arms is None:
        return cases
    if not arms:
        return cases.none()
    union = arms[0].values("pk").union(*(arm.values("pk") for arm in arms[1:]), all=True)
    return DisclosureRequest.objects.filter(pk__in=union)


def visible_arms(user, cases):
    """`cases` (a narrowed queryset) split by the `view` rule into the arms a user may
    see, each one condition an index answers: [shared with the user or the user's office,
    the office's own, (counsel) assigned to the user]. None for an auditor (every case:
    `cases` as it is); [] for anyone who sees none. Arms may overlap (a case of the
    office assigned to its counsel is in two)."""
    if user is None or not user.is_authenticated or not (user.is_auditor or _is_staff(user)):
        return []
    if user.is_auditor:
        return None
    cases = cases.order_by()
    arms = [cases.filter(pk__in=open_shares_of(user).values("case_id"))]
    if user.office_id:
        arms.append(cases.filter(office_id=_as_bigint(user.office_id)))
    if user.is_counsel:
        arms.append(cases.filter(assigned_counsel_id=user.pk))
    return arms


def _as_bigint(value):
    """`value` typed as the bigint column it is compared with. The database driver writes a
    Python int into the SQL as a bare literal, which PostgreSQL types as `integer`; a btree
    index compares it with a `bigint` column all the same, but btree_gin's operator classes
    have no cross-type comparison, so `office_id = 13` could not use the office column of
    the (office_id, subject_name_key) GIN index of migration 0008, and a name searched in
    an office read the state's matches, or the office's every row, instead of the office's
    matches (docs/performance.md, "The office's column of the name index")."""
    return Cast(Value(value), output_field=BigIntegerField())


def _visible_by_rule(user, cases):
    if user.is_auditor:
        return cases
    if not _is_staff(user):
        return cases.none()
    visible: Combinable = Exists(open_shares_of(user).filter(case=OuterRef("pk")))
    if user.office_id:
        visible = Q(office_id=user.office_id) | visible
    if user.is_counsel:
        visible = Q(assigned_counsel_id=user.pk) | visible
    return cases.filter(visible)


# The capability each URL about one case needs, beyond seeing the case (which the
# scoped selectors check, answering 404). A test walks every case URL to prove the
# table is complete, like the access table in dmvrequests/access.py.
URL_CAPABILITIES = {
    "cases:detail": "view",
    "cases:edit": "act",
    "cases:submit": "act",
    "cases:decide": "decide",
    "cases:transition": "act",
    "cases:assign": "act",
    "cases:share": "share",
    "cases:share_revoke": "share",
    "cases:callback": "act",
    "cases:ask": "decide",
    "cases:answer": "act",
    "cases:second_approval": "decide",
    "cases:release": "act",
    "cases:notice_sent": "act",
    "cases:notice_exempt": "decide",
    "cases:document_add": "act",
    "cases:document_describe": "act",
    "cases:document_verify": "decide",
    "cases:document_download": "download",
    "audit:case_timeline": "view",
    "audit:redact": "redact",
    "correspondence:case_letters": "view",
    "correspondence:issue": "act",
    "correspondence:letter": "view",
    "correspondence:letter_pdf": "download",
    "correspondence:email": "act",
    "correspondence:mailed": "act",
    # The staff side of a portal request: messages with the officer and released files.
    "portal:staff_case": "view",
    "portal:staff_message": "act",
    "portal:staff_release_file": "act",
}
