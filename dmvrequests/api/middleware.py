"""What every API response gets, whichever part of Django produced it (docs/api.md):

- an error that is not already JSON (Django's own 404 for an unknown address, a 405, the 400
  of a body over the size limits) is given the API's error shape;
- `Cache-Control: no-store` (responses carry personal data);
- a POST with an `Idempotency-Key` and a usable token goes through `idempotency.idempotent`.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.cache import add_never_cache_headers

from dmvrequests.api.errors import error_response
from dmvrequests.api.idempotency import HEADER, idempotent, valid_key
from dmvrequests.api.tokens import token_find

PREFIX = "/api/"
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiResponseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        response = self._answer(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            kept = {h: response[h] for h in KEPT_HEADERS if response.has_header(h)}
            response = error_response(response.status_code, headers=kept)
        add_never_cache_headers(response)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    def _answer(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not valid_key(key):
            return self.get_response(request)
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        row = token_find(token.strip()) if scheme.lower() == "bearer" else None
        if row is None:
            return self.get_response(request)
        try:
            return idempotent(request, row.user, key, self.get_response)
        except (SuspiciousOperation, RawPostDataException, ValueError, OSError):
            # The body could not be read (too large, cut off): the view refuses it in words.
            return self.get_response(request)
