"""Token authentication for the API: `Authorization: Bearer <token>` only, never a session
cookie, so no request can ride on a signed-in browser and CSRF does not apply
(docs/api.md, "Tokens")."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.api.errors import ApiError
from dmvrequests.api.ratelimit import rate_limit_hit
from dmvrequests.api.tokens import token_find


class OfficerToken(HttpBearer):
    """Finds the officer's token, refuses an officer who may not use the portal, counts the
    request against the token's limit, and sets `request.user` (the audit trail names the
    officer) and `request.auth` (the token)."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = token_find(token)
        if row is None:
            raise ApiError(
                401,
                "invalid_token",
                "This token is unknown, expired or revoked. Make a new one on the portal's "
                "API tokens page.",
            )
        officer = officer_for_user(row.user)
        if officer is None or not officer.may_see_requests:
            raise ApiError(
                403,
                "officer_not_approved",
                "This token's account is not an approved, active portal officer; ask your "
                "agency's portal administrator.",
            )
        wait = rate_limit_hit(row.pk)
        if wait is not None:
            raise ApiError(
                429,
                "rate_limited",
                f"Too many requests with this token; try again in {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        request.user = row.user
        return row
