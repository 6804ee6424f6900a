"""Writes to the directory of agencies and their requesters: keyword-only, with `actor`, each
recorded in the row's history (simple-history) as made by `actor` (None: the system)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dmvrequests.agencies.models import Requester

if TYPE_CHECKING:
    from accounts.models import User
    from dmvrequests.agencies.models import Agency


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
