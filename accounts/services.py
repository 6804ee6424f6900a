"""Writes to accounts: `<noun>_<verb>(*, ..., actor)`, each recorded in the user's history."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts import mfa
from accounts.models import User
from accounts.roles import Role


def _save(user, actor, reason):
    user._history_user = actor
    user._change_reason = reason
    user.save()
    return user


@transaction.atomic
def user_set_role(*, user, role, actor):
    """One role per user; Administrators also get the admin site (is_staff)."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    previous = user.role_label
    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    user.is_staff = role == Role.ADMINISTRATOR
    user.__dict__.pop("role_names", None)
    return _save(user, actor, f"Role: {previous} → {role}")


@transaction.atomic
def user_deactivate(*, user, actor):
    """Never delete: a deactivated user keeps their history and cannot sign in."""
    from django.contrib.sessions.models import Session

    user.is_active = False
    if user.session_key:
        Session.objects.filter(session_key=user.session_key).delete()
    return _save(user, actor, "Deactivated")


@transaction.atomic
def user_reactivate(*, user, actor):
    user.is_active = True
    return _save(user, actor, "Reactivated")


@transaction.atomic
def user_reset_mfa(*, user, actor, request=None):
    from accounts.events import mfa_event

    mfa.mfa_reset(user=user)
    mfa_event(request=request, user=actor, step="reset", target=user)
    return _save(user, actor, "Multi-factor sign-in reset; the user enrols again")


def user_unlock(*, user, actor):
    from axes.utils import reset

    reset(username=user.username)
    return _save(User.objects.get(pk=user.pk), actor, "Unlocked after failed sign-ins")
