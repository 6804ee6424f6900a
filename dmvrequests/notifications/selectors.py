"""Reads of the notification settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dmvrequests.notifications.models import Preference

if TYPE_CHECKING:
    from accounts.models import User


def preference_of(user: User) -> Preference:
    """The user's notification settings; unsaved defaults (everything on) when the user
    never saved any, so that reading them writes nothing."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)
