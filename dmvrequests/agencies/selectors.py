"""Reads of the directory: the officer behind a user account, and the agency of a mail domain
(shared by the channels that match mail to agencies)."""

from __future__ import annotations

from typing import Any

from dmvrequests.agencies.models import Agency, Officer


def officer_for_user(user: Any) -> Officer | None:
    """The officer whose account `user` is (with the agency), or None for a staff member or an
    anonymous user. Kept on the user object for the rest of the request; no query when the
    user was read with its officer (`select_related("officer")`, as the sign-in backend does)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if hasattr(user, "_portal_officer"):
        cached: Officer | None = user._portal_officer
        return cached
    # Read with the account by the sign-in backend (accounts.backends): no query then.
    account = Officer._meta.get_field("user").remote_field
    officer: Officer | None
    if account.is_cached(user):
        officer = account.get_cached_value(user)  # type: ignore[assignment]  # an Officer
    else:
        officer = (
            Officer.objects.select_related("agency", "requester").filter(user_id=user.pk).first()
        )
    user._portal_officer = officer
    return officer


def is_officer(user: Any) -> bool:
    """True when `user` is an agency officer's account (which never reaches a staff page)."""
    return officer_for_user(user) is not None


def officers_of(agency: Agency) -> Any:
    """The officers of `agency`, approved or not, by name (a QuerySet of Officer)."""
    return Officer.objects.filter(agency=agency).select_related("user").order_by("name")


def agency_for_domain(domain: str) -> Agency | None:
    """The directory agency of `domain`: equal to one of its domains or a subdomain of one.

    Agency.matches_domain's rule, applied from the most specific suffix down, so
    that ice.dhs.gov wins over dhs.gov for x.ice.dhs.gov. ice.dhs.gov.example.com
    has no suffix equal to ice.dhs.gov and matches nothing. `domain` is lower case,
    in its ASCII (IDNA) form (`dmvrequests.mail.text.domain_of`).
    """
    if not domain:
        return None
    agencies = list(Agency.objects.order_by("id"))
    labels = domain.split(".")
    for start in range(len(labels)):
        suffix = ".".join(labels[start:])
        for agency in agencies:
            if suffix in agency.domain_list:
                return agency
    return None


def agency_for_email(email: str) -> Agency | None:
    """The directory agency of an address's domain (agency_for_domain: one of the agency's
    email domains or a subdomain of one, the most specific suffix winning), as email intake
    matches senders. Blocked agencies are found too (their officers are told why they cannot
    submit). None for no match or no domain."""
    domain = (email or "").strip().lower().rpartition("@")[2].rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return agency_for_domain(domain)
