"""One JSON shape for every error the API returns (docs/api.md, "Errors"):

    {"error": {"code": "not_found", "message": "what happened and what to do", "fields": {}}}

`code` is stable (clients branch on it), `message` is for people, `fields` maps a request
field to what is wrong with it (empty when no field is at fault).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

# The code and message for each status the API answers with when nothing more precise is
# known (a URL that does not exist, a method not offered, a body too large...).
DEFAULT_ERRORS = {
    400: ("bad_request", "The request could not be read. Check its syntax and headers."),
    401: (
        "unauthenticated",
        "Send your API token in the header 'Authorization: Bearer <token>'. "
        "Make one on the portal's API tokens page.",
    ),
    403: ("forbidden", "Your token does not allow this."),
    404: ("not_found", "Nothing here. Check the address against /api/v1/openapi.json."),
    405: ("method_not_allowed", "This address does not accept this method; see the Allow header."),
    406: ("not_acceptable", "The API answers in JSON only."),
    409: ("conflict", "The request conflicts with the current state; read it again and retry."),
    413: ("too_large", "The request is too large: send at most 5 MiB, files 25 MiB."),
    415: ("unsupported_media_type", "Send JSON, or multipart/form-data for a file."),
    422: ("invalid", "Some fields are not valid; see `fields`."),
    429: ("rate_limited", "Too many requests with this token; wait as Retry-After says."),
    500: ("server_error", "The DMV's system failed; nothing was saved. Try again later."),
    503: ("unavailable", "The DMV's system cannot answer now; nothing was saved. Try again later."),
}


class ApiError(Exception):
    """An error to answer with: `status` (4xx), a stable `code`, a `message` saying what to
    do, and per-field messages. Raised by the endpoints and turned into the shape above."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def error_response(
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """An HttpResponse in the error shape; code and message default by status."""
    default_code, default_message = DEFAULT_ERRORS.get(
        status, DEFAULT_ERRORS[400 if status < 500 else 500]
    )
    body = error_body(code or default_code, message or default_message, fields)
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def fields_from_pydantic(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """django-ninja's validation errors ({"loc": [...], "msg": ...}) by field: the location
    without its source ("body", "query", "path", "form", "file"), joined with dots."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in {"body", "query", "path", "form", "file", "header", "cookie"}:
            loc = loc[1:]
        if loc and loc[0] in {"payload", "data"} and len(loc) > 1:
            loc = loc[1:]
        name = ".".join(loc) or "request"
        fields.setdefault(name, []).append(str(error.get("msg", "Not valid.")))
    return fields


def fields_from_django(error: Any) -> dict[str, list[str]]:
    """A Django ValidationError's messages by field ("request" when it names none)."""
    if hasattr(error, "message_dict"):
        return {
            ("request" if k == "__all__" else k): [str(m) for m in v]
            for k, v in error.message_dict.items()
        }
    return {"request": [str(m) for m in getattr(error, "messages", [str(error)])]}
