"""The API's operations (docs/api.md). Thin: each reads through a selector or writes through
a service, and says what went wrong in the error shape."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from dmvrequests.agencies.selectors import officer_for_user
from dmvrequests.api.schemas import Error, Me

router = Router()

ERRORS = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


@router.get("/me", response={200: Me, **ERRORS}, summary="The officer the token belongs to")
def me(request: HttpRequest):
    officer = officer_for_user(request.user)
    assert officer is not None  # the token's authentication found the officer
    token = request.auth  # type: ignore[attr-defined]
    refusal = officer.submit_refusal()
    return {
        "name": officer.name,
        "email": officer.email,
        "agency": officer.agency.name,
        "portal_administrator": officer.is_portal_admin,
        "may_submit": refusal is None,
        "submit_refusal": refusal,
        "token": {"name": token.name, "expires_at": token.expires_at},
    }
