"""Writes to accounts: `<noun>_<verb>(*, ..., actor)`, each recorded in the user's history
and, as an account event, in the audit chain (docs/audit.md, "Accounts and roles").

Every role grant tells the other administrators and the auditors. With
ROLE_GRANT_REQUIRES_SECOND_ADMIN on, a grant of Administrator, Counsel or Auditor
waits as a PendingRoleGrant until another administrator approves it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import mfa
from accounts.models import GrantStatus, PendingRoleGrant, User
from accounts.roles import Role
from accounts.signals import role_granted
from dmvrequests.audit.models import Action, Kind, Outcome
from dmvrequests.audit.services import audit_record

if TYPE_CHECKING:
    from django.http import HttpRequest

# Roles that open case data or the administration: a second administrator may be required.
PRIVILEGED_ROLES = frozenset({Role.ADMINISTRATOR, Role.COUNSEL, Role.AUDITOR})
USER_OBJECT_TYPE = "accounts.user"


def _save(user: User, actor: User | None, reason: str) -> User:
    user._history_user = actor  # type: ignore[attr-defined]  # django-simple-history (untyped)
    user._change_reason = reason  # type: ignore[attr-defined]  # django-simple-history
    user.save()
    return user


def account_event(
    *,
    action: str,
    user: User,
    actor: User | None,
    request: HttpRequest | None = None,
    outcome: str = Outcome.SUCCESS,
    **detail: Any,
) -> None:
    """One account event in the audit chain, naming the account acted on."""
    audit_record(
        kind=Kind.ACCOUNT,
        action=action,
        outcome=outcome,
        user=actor,
        request=request,
        object_type=USER_OBJECT_TYPE,
        object_id=str(user.pk),
        detail={"account": user.get_username(), **detail},
    )


def roles_of(user: User) -> list[str]:
    """The user's roles from the database (role_names is empty for an inactive user)."""
    return sorted(user.groups.filter(name__in=Role.values).values_list("name", flat=True))


@transaction.atomic
def user_created(
    *, user: User, role: str, actor: User | None, request: HttpRequest | None = None
) -> User:
    """An administrator created `user` (with a password) and chose `role`."""
    account_event(
        action=Action.ACCOUNT_CREATE,
        user=user,
        actor=actor,
        request=request,
        role_requested=role,
        office=user.office.code if user.office is not None else "",
        password_set=user.has_usable_password(),
    )
    return user_set_role(user=user, role=role, actor=actor, request=request)


@transaction.atomic
def user_set_role(
    *, user: User, role: str, actor: User | None, request: HttpRequest | None = None
) -> User:
    """One role per user; Administrators also get the admin site (is_staff).

    Returns the user; with ROLE_GRANT_REQUIRES_SECOND_ADMIN on, a privileged role is
    not applied but asked for (`user.pending_grant` is then the PendingRoleGrant).
    """
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    user.pending_grant = None
    if roles_of(user) == [role]:
        return user
    if settings.ROLE_GRANT_REQUIRES_SECOND_ADMIN and role in PRIVILEGED_ROLES and actor:
        user.pending_grant = role_grant_request(user=user, role=role, actor=actor, request=request)
        return user
    return _apply_role(user=user, role=role, actor=actor, request=request)


def _apply_role(
    *,
    user: User,
    role: str,
    actor: User | None,
    request: HttpRequest | None = None,
    approved_by: User | None = None,
) -> User:
    previous = roles_of(user)
    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    user.is_staff = role == Role.ADMINISTRATOR
    user.__dict__.pop("role_names", None)
    label = ", ".join(previous) or "No role"
    _save(user, actor, f"Role: {label} → {role}")
    detail: dict[str, Any] = {"from": previous, "to": role}
    if approved_by is not None:
        detail["approved_by"] = approved_by.get_username()
    account_event(action=Action.ROLE_CHANGE, user=user, actor=actor, request=request, **detail)
    role_granted.send(
        sender=User,
        user=user,
        role=role,
        actor=actor,
        previous=previous,
        key=f"granted:{user.history.count()}",
    )
    return user


@transaction.atomic
def role_grant_request(
    *, user: User, role: str, actor: User, request: HttpRequest | None = None
) -> PendingRoleGrant:
    """Ask for a privileged role; it takes effect when another administrator approves."""
    earlier = PendingRoleGrant.objects.select_for_update().filter(
        user=user, status=GrantStatus.PENDING
    )
    for grant in earlier:
        _close(grant, GrantStatus.REFUSED, actor, "Replaced by a newer request.")
    grant = PendingRoleGrant(user=user, role=role, requested_by=actor)
    grant._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    grant.save()
    account_event(
        action=Action.ROLE_GRANT_REQUEST,
        user=user,
        actor=actor,
        request=request,
        role=role,
        grant=grant.pk,
        current=roles_of(user),
    )
    role_granted.send(
        sender=User,
        user=user,
        role=role,
        actor=actor,
        previous=roles_of(user),
        pending=True,
        key=f"pending:{grant.pk}",
    )
    return grant


def _close(grant: PendingRoleGrant, status: str, actor: User, note: str = "") -> None:
    grant.status, grant.decided_by, grant.decided_at = status, actor, timezone.now()
    grant.note = note[:200]
    grant._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    grant._change_reason = grant.get_status_display()  # type: ignore[attr-defined]  # ditto
    grant.save()


@transaction.atomic
def role_grant_decide(
    *,
    grant: PendingRoleGrant,
    actor: User,
    approve: bool,
    note: str = "",
    request: HttpRequest | None = None,
) -> PendingRoleGrant:
    """A second administrator approves or refuses a pending grant."""
    grant = PendingRoleGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if not actor.is_administrator:
        raise PermissionDenied("Only an administrator decides a role grant.")
    if grant.status != GrantStatus.PENDING:
        raise ValidationError("This grant was already decided.")
    if actor.pk in (grant.requested_by_id, grant.user_id):
        raise ValidationError(
            "Another administrator must decide this grant: not the one who asked for it, "
            "nor the person it is for."
        )
    status = GrantStatus.APPROVED if approve else GrantStatus.REFUSED
    _close(grant, status, actor, note)
    account_event(
        action=Action.ROLE_GRANT_DECISION,
        user=grant.user,
        actor=actor,
        request=request,
        outcome=Outcome.SUCCESS if approve else Outcome.DENIED,
        role=grant.role,
        grant=grant.pk,
        requested_by=grant.requested_by.get_username(),
        decision=status,
    )
    if approve:
        _apply_role(
            user=grant.user,
            role=grant.role,
            actor=grant.requested_by,
            request=request,
            approved_by=actor,
        )
    return grant


@transaction.atomic
def user_password_set(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    """An administrator set `user`'s password (Django admin's password form)."""
    from accounts.events import password_event

    password_event(request=request, user=actor, step="set_by_administrator", target=user)
    return _save(user, actor, "Password set by an administrator")


@transaction.atomic
def user_deactivate(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    """Never delete: a deactivated user keeps their history and cannot sign in."""
    from django.contrib.sessions.models import Session

    user.is_active = False
    if user.session_key:
        Session.objects.filter(session_key=user.session_key).delete()
    account_event(action=Action.ACCOUNT_DEACTIVATE, user=user, actor=actor, request=request)
    return _save(user, actor, "Deactivated")


@transaction.atomic
def user_reactivate(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    user.is_active = True
    account_event(action=Action.ACCOUNT_REACTIVATE, user=user, actor=actor, request=request)
    return _save(user, actor, "Reactivated")


@transaction.atomic
def user_reset_mfa(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    from accounts.events import mfa_event

    mfa.mfa_reset(user=user)
    mfa_event(request=request, user=actor, step="reset", target=user)
    return _save(user, actor, "Multi-factor sign-in reset; the user enrols again")


@transaction.atomic
def user_unlock(*, user: User, actor: User, request: HttpRequest | None = None) -> User:
    from axes.utils import reset

    reset(username=user.username)
    account_event(action=Action.UNLOCK, user=user, actor=actor, request=request)
    return _save(User.objects.get(pk=user.pk), actor, "Unlocked after failed sign-ins")
