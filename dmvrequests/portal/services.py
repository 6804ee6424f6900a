"""Writes for officer accounts of the agency portal: registration, the address's verification
link, approval, deactivation. Keyword-only, the acting user named `actor` (None: the system),
each change in the officer's history. docs/portal.md describes the rules."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dmvrequests.agencies.models import Officer, OfficerApproval
from dmvrequests.agencies.selectors import agency_for_email, officer_for_user
from dmvrequests.agencies.services import officer_create, officer_deactivate
from dmvrequests.notifications.models import Kind
from dmvrequests.notifications.services import email_queue

if TYPE_CHECKING:
    from accounts.models import User
    from dmvrequests.agencies.models import Agency

VERIFY_SALT = "dmvrequests.portal.verify-email"
# How long a verification link works; a new one can be sent from the sign-in page.
VERIFY_MAX_AGE = timedelta(days=2)


def verification_token(officer: Officer) -> str:
    """A signed, timestamped token naming the officer and the address (django.core.signing,
    HMAC-SHA256 with SECRET_KEY): it stops working when the address changes or after
    VERIFY_MAX_AGE."""
    return signing.dumps({"officer": officer.pk, "email": officer.email}, salt=VERIFY_SALT)


def verification_send(*, officer: Officer, site: str) -> None:
    """Email the verification link to the officer's address; `site` is the scheme and host
    the link starts with (https://dmv.example.gov)."""
    token = verification_token(officer)
    link = site.rstrip("/") + reverse("portal:verify", args=[token])
    email_queue(
        kind=Kind.PORTAL,
        recipients=[officer.email],
        subject="Verify your address for the DMV agency portal",
        template="portal/email/verify.txt",
        context={"officer": officer, "link": link, "hours": VERIFY_MAX_AGE.days * 24},
        dedupe=f"portal-verify:{officer.pk}:{uuid.uuid4().hex}",
    )


@transaction.atomic
def officer_register(
    *,
    email: str,
    name: str,
    password: str,
    site: str,
    title: str = "",
    badge: str = "",
    supervisor: str = "",
) -> Officer:
    """Register an officer from the portal's form: the agency is the directory agency of the
    address's domain (subdomains included); the account waits for the address's verification
    and for approval, and the verification link is emailed. Raises ValidationError (by field)
    for an address no directory agency uses, an address already registered, or a password
    Django's validators refuse."""
    agency = agency_for_email(email)
    if agency is None:
        raise ValidationError(
            {
                "email": "No agency in the DMV's directory uses this address's domain. Register "
                "with your address at your agency, or ask the DMV's legal unit to add your agency."
            }
        )
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    officer = officer_create(
        agency=agency,
        actor=None,
        email=email,
        name=name,
        title=title,
        badge=badge,
        supervisor=supervisor,
        password=password,
    )
    verification_send(officer=officer, site=site)
    return officer


class VerificationFailed(Exception):
    """The link is broken, expired, or names an address that is no longer the officer's."""


@transaction.atomic
def officer_verify_email(*, token: str) -> Officer:
    """Mark the address of the token's officer verified (again is harmless). Raises
    VerificationFailed with words for the officer when the link is expired or not ours."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        raise VerificationFailed(
            "This link has expired. Sign in to the portal to have a new one sent."
        ) from None
    except signing.BadSignature:
        raise VerificationFailed(
            "This link is not complete or not ours. Open the link from the email again, "
            "copying all of it."
        ) from None
    officer = (
        Officer.objects.select_for_update()
        .filter(pk=data.get("officer"), email=data.get("email"))
        .first()
    )
    if officer is None:
        raise VerificationFailed("This link is for an address that is no longer registered.")
    if officer.email_verified_at is None:
        officer.email_verified_at = timezone.now()
        officer._history_user = officer.user  # type: ignore[attr-defined]
        officer.save(update_fields=["email_verified_at"])
    return officer


def manager_kind(actor: User, agency: Agency) -> str | None:
    """Who `actor` is for managing `agency`'s officers: "agency" for the agency's own portal
    administrator (approved, active), "dmv" for a DMV administrator, None for anyone else."""
    officer = officer_for_user(actor)
    if officer is not None:
        mine = officer.agency_id == agency.pk
        return "agency" if mine and officer.is_portal_admin and officer.may_see_requests else None
    return "dmv" if actor.is_administrator else None


def may_decide(actor: User, agency: Agency) -> bool:
    """DMV administrators decide an agency's first officers, until one is its portal
    administrator; from then on the agency's portal administrators decide."""
    kind = manager_kind(actor, agency)
    if kind == "dmv":
        return not Officer.objects.portal_admins().filter(agency=agency).exists()
    return kind == "agency"


@transaction.atomic
def officer_decide(
    *, officer: Officer, actor: User, approve: bool, portal_admin: bool = False
) -> Officer:
    """Approve or refuse a registered officer. DMV administrators decide an agency's first
    officers (and may make one the agency's portal administrator); once the agency has a
    portal administrator, its portal administrators decide. Raises PermissionDenied for anyone
    else, ValidationError for an officer already decided or whose address is not verified."""
    officer = Officer.objects.select_for_update().select_related("agency").get(pk=officer.pk)
    if not may_decide(actor, officer.agency):
        raise PermissionDenied("You may not decide this agency's officers.")
    if officer.approval != OfficerApproval.PENDING:
        raise ValidationError(
            f"{officer.name} was already {officer.get_approval_display().lower()}."
        )
    if not officer.email_verified:
        raise ValidationError(
            f"{officer.name} has not verified the address yet; decide once it is verified."
        )
    officer.approval = OfficerApproval.APPROVED if approve else OfficerApproval.REFUSED
    officer.approved_by = actor
    officer.approved_at = timezone.now()
    officer.is_portal_admin = bool(approve and portal_admin)
    officer._history_user = actor  # type: ignore[attr-defined]
    officer.save()
    email_queue(
        kind=Kind.PORTAL,
        recipients=[officer.email],
        subject="Your DMV agency portal account is " + ("approved" if approve else "refused"),
        template="portal/email/decided.txt",
        context={"officer": officer, "approve": approve},
        dedupe=f"portal-decided:{officer.pk}",
    )
    return officer


def officer_deactivate_by(*, officer: Officer, actor: User, reason: str) -> Officer:
    """Deactivate `officer` for `reason`, as a DMV administrator or the agency's portal
    administrator (not oneself). Raises PermissionDenied for anyone else, ValidationError for
    an empty reason."""
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the officer is deactivated; the officer is told."}
        )
    if manager_kind(actor, officer.agency) is None or officer.user_id == actor.pk:
        raise PermissionDenied("You may not deactivate this officer.")
    return officer_deactivate(officer=officer, actor=actor, reason=reason)


BOUNCE_REASON = "Mail to your verified address could not be delivered (it bounced)."


def officer_deactivate_on_bounce(*, email: str) -> Officer | None:
    """For the bounce handler: deactivate the active officer whose verified address is `email`
    (case-insensitive), as the system; None when no such officer."""
    officer = (
        Officer.objects.filter(email__iexact=(email or "").strip(), active=True)
        .exclude(email_verified_at=None)
        .first()
    )
    if officer is None:
        return None
    return officer_deactivate(officer=officer, actor=None, reason=BOUNCE_REASON)
