"""Reads of the notification settings."""

from dmvrequests.notifications.models import Preference


def preference_of(user):
    """The user's notification settings; unsaved defaults (everything on) when the user
    never saved any, so that reading them writes nothing."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)
