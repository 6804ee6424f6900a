"""The API's one NinjaAPI instance, mounted at /api/v1/ (dmvrequests/urls.py), and how each
kind of failure becomes the error shape of `errors.py` (docs/api.md, "Errors")."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dmvrequests.api import endpoints
from dmvrequests.api.auth import OfficerToken
from dmvrequests.api.errors import (
    ApiError,
    error_response,
    fields_from_django,
    fields_from_pydantic,
)

DESCRIPTION = """\
The DMV's API for requesting agencies: send requests for driver and vehicle records with
their legal process, answer the legal unit's questions, follow the status and download the
letters. Every call needs `Authorization: Bearer <token>` (a personal token made on the
portal's API tokens page); every POST needs an `Idempotency-Key` header. Errors are always
`{"error": {"code": ..., "message": ..., "fields": {...}}}`.
"""

api = NinjaAPI(
    title="DMV disclosure requests: agency API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,
    auth=OfficerToken(),
)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    return error_response(
        422,
        "invalid",
        "Some fields are not valid; correct those named in `fields` and send again.",
        fields_from_pydantic(exc.errors),
    )


@api.exception_handler(DjangoValidationError)
def _model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return error_response(
        422,
        "invalid",
        "Some fields are not valid; correct those named in `fields` and send again.",
        fields_from_django(exc),
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401, headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(
        404,
        "not_found",
        "No such request for your token: check the number, and that it is one of yours "
        "(or your agency's, for a portal administrator).",
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(403, "forbidden", str(exc) or None)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(exc.status_code)


api.add_router("", endpoints.router)
