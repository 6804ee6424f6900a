"""Writes to the directory of agencies and their requesters: keyword-only, with `actor`, each
recorded in the row's history (simple-history) as made by `actor` (None: the system)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dmvrequests.agencies.directory import ori_directory
from dmvrequests.agencies.models import (
    Agency,
    Officer,
    OfficerApproval,
    Requester,
    other_state,
    other_state_reason,
    parse_one_ori,
)
from dmvrequests.agencies.signals import directory_changed

if TYPE_CHECKING:
    from accounts.models import User


def requester_find(*, agency: Agency, email: str) -> Requester | None:
    """The requester of `agency` with this email address (case-insensitive), the first one
    registered when several share it; None for no address or no match."""
    if not email:
        return None
    return Requester.objects.filter(agency=agency, email__iexact=email).order_by("id").first()


def requester_create(
    *,
    agency: Agency,
    actor: User | None,
    name: str,
    email: str = "",
    title: str = "",
    badge: str = "",
    phone: str = "",
) -> Requester:
    """A new requester of `agency`. Raises ValidationError for a field the model refuses
    (a name over 200 characters, a line break, a malformed address)."""
    requester = Requester(
        agency=agency, name=name, email=email, title=title, badge=badge, phone=phone
    )
    requester._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    requester.full_clean()
    requester.save()
    return requester


def requester_find_or_create(
    *, agency: Agency, actor: User | None, name: str, email: str = "", **fields: Any
) -> Requester:
    """The requester of `agency` with this email address, or a new one with these fields
    (always a new one when there is no address). Raises ValidationError like
    requester_create."""
    existing = requester_find(agency=agency, email=email)
    if existing is not None:
        return existing
    return requester_create(agency=agency, actor=actor, name=name, email=email, **fields)


# -- Officers of the agency portal ----------------------------------------------------------------


def _save(row: Any, actor: Any) -> None:
    row._history_user = actor  # django-simple-history
    row.full_clean()
    row.save()


@transaction.atomic
def officer_create(
    *,
    agency: Agency,
    actor: Any,
    email: str,
    name: str,
    title: str = "",
    badge: str = "",
    supervisor: str = "",
    password: str | None = None,
    verified: bool = False,
    approved: bool = False,
    is_portal_admin: bool = False,
) -> Officer:
    """A new officer of `agency`: a user account (username = the address, no office, no role,
    an unusable password when `password` is None), the directory requester that the officer's
    cases will name, and the officer. `verified` marks the address verified now, `approved`
    approves the officer as `actor` (set-up commands and tests; the portal registers officers
    unverified and waiting for approval). Raises ValidationError for an address already
    registered, an address outside the agency's email domains, or a field the models refuse."""
    email = (email or "").strip().lower()
    domain = email.rpartition("@")[2]
    if not email or not agency.matches_domain(domain):
        raise ValidationError(
            {"email": f"Use your address at {agency.name} (ending in {agency.email_domains})."}
        )
    user_model = get_user_model()
    if (
        Officer.objects.filter(email__iexact=email).exists()
        or user_model.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError({"email": "This address is already registered; sign in instead."})
    first, _, last = name.strip().partition(" ")
    user = user_model(username=email, email=email, first_name=first[:150], last_name=last[:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    _save(user, actor)
    requester = Requester(agency=agency, name=name, title=title, badge=badge, email=email)
    _save(requester, actor)
    now = timezone.now()
    officer = Officer(
        user=user,
        agency=agency,
        requester=requester,
        name=name,
        title=title,
        badge=badge,
        supervisor=supervisor,
        email=email,
        email_verified_at=now if verified else None,
        is_portal_admin=is_portal_admin,
    )
    if approved:
        officer.approval = OfficerApproval.APPROVED
        officer.approved_by = actor
        officer.approved_at = now
    _save(officer, actor)
    return officer


@transaction.atomic
def officer_deactivate(*, officer: Officer, actor: Any, reason: str) -> Officer:
    """Deactivate `officer` for `reason` (words shown to the officer): the account can no longer
    sign in and its API access ends with it. `actor` None is the system (a bounce of the
    verified address). Deactivating an inactive officer changes nothing."""
    if not officer.active:
        return officer
    officer.active = False
    officer.deactivated_at = timezone.now()
    officer.deactivated_by = actor
    officer.deactivation_reason = reason.strip()
    _save(officer, actor)
    user = officer.user
    user.is_active = False
    _save(user, actor)
    return officer


# -- ORIs of agencies (docs/network-queries.md, "Unknown ORIs") ----------------------------------


def ori_held_by(value: str, agency: Agency) -> str | None:
    """What to say when another agency already holds `value` (upper case), exactly or
    through a pattern, so that adding it to `agency` would take queries from that agency;
    else None.

    An ORI is held by the agency listing it, else by the agency whose longest pattern it starts
    with (directory.OriDirectory); a pattern `P*` is held by the agency listing it or holding
    the longest pattern `P` starts with (every ORI the new pattern would match is theirs). A
    value held through a pattern names that pattern: the fix is there, not in the value."""
    for other in Agency.objects.exclude(pk=agency.pk).order_by("pk"):
        if value in other.ori_list:
            return (
                f"{value} already belongs to {other.name}; an ORI belongs to one agency. Remove "
                "it there first (administration site) if it was wrong."
            )
    prefix = value[:-1] if value.endswith("*") else value
    found = ori_directory().attribute(prefix)
    if found.agency_id is None or found.agency_id == agency.pk:
        return None
    holder = Agency.objects.get(pk=found.agency_id)
    patterns = [p for p in holder.ori_list if p.endswith("*") and prefix.startswith(p[:-1])]
    pattern = max(patterns, key=len, default="")
    return (
        f"{value} already belongs to {holder.name} through its pattern {pattern}; an ORI "
        f"belongs to one agency. To give it to another agency, narrow or remove {pattern} "
        "there first (administration site)."
    )


def agency_add_ori(
    *, agency: Agency, value: str, actor: User | None, other_state_confirmed: bool = False
) -> str:
    """Give `agency` the ORI or ORI pattern `value` (9 letters or digits, or a prefix of 1 to
    8 ending in `*`; any case): saved in the agency's history as `actor`'s change, and, in the
    same transaction, `directory_changed` is sent naming it, so that the switch journal
    attributes the past queries and responses of that ORI (or pattern) again.
    Returns the value as stored (upper case). Raises ValidationError, saving nothing, when the
    value is neither, or when another agency already holds it, exactly or through a pattern (an
    ORI belongs to one agency).
    `other_state_confirmed`: the actor ticked that an ORI of another state is right for the
    agency (models.other_state; the form asks); when the rule asks for it, the history's reason
    says what was confirmed ("Attributed and confirmed VA0290000, an ORI of VA (Virginia), for
    ..."), else "ORI … attributed".
    Adding a value the agency already lists changes nothing and sends nothing."""
    ori = parse_one_ori(value)
    if ori in agency.ori_list:
        return ori
    held = ori_held_by(ori, agency)
    if held is not None:
        raise ValidationError(held)
    state = other_state(
        ori, kind=agency.kind, jurisdiction=agency.jurisdiction, held=agency.ori_list
    )
    reason = f"ORI {ori} attributed"
    if state and other_state_confirmed:
        reason = other_state_reason(
            [(ori, state)], agency_name=agency.name, head="Attributed and confirmed"
        )
    with transaction.atomic():
        agency.oris = " ".join([*agency.oris.split(), ori])
        agency._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
        agency._change_reason = reason  # type: ignore[attr-defined]  # idem
        agency.full_clean()
        agency.save()
        # In the same transaction: the ORI is added with its past queries and responses
        # attributed again, or, if anything stops part-way, not at all.
        directory_changed.send(sender=Agency, oris=[ori])
    return ori
