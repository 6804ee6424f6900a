"""Reads of the directory that depend on who is asking: the officer behind a user account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dmvrequests.agencies.models import Officer

if TYPE_CHECKING:
    from dmvrequests.agencies.models import Agency


def officer_for_user(user: Any) -> Officer | None:
    """The officer whose account `user` is (with the agency), or None for a staff member or an
    anonymous user. Kept on the user object for the rest of the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_portal_officer"):
        cached: Officer | None = user._portal_officer
        return cached
    officer = Officer.objects.select_related("agency", "requester").filter(user_id=user.pk).first()
    user._portal_officer = officer
    return officer


def is_officer(user: Any) -> bool:
    """True when `user` is an agency officer's account (which never reaches a staff page)."""
    return officer_for_user(user) is not None


def officers_of(agency: Agency) -> Any:
    """The officers of `agency`, approved or not, by name (a QuerySet of Officer)."""
    return Officer.objects.filter(agency=agency).select_related("user").order_by("name")
