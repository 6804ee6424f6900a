"""Idempotency keys on POST (docs/api.md, "Retrying safely").

Every POST of the API carries `Idempotency-Key` (1 to 255 printable ASCII characters, chosen
by the client, e.g. a UUID). The first request with a key is answered as usual and, when it
succeeded (2xx), its response is kept for 24 hours under the officer and the key. Sending the
same key again with the same request (method, path and body; for a multipart body its fields
and the files' SHA-256) replays the kept response with `Idempotent-Replayed: true`; with a
different request it is refused with 422 `idempotency_key_reused`; while the first is still
being answered, 409 `idempotency_in_progress`. A request that failed keeps nothing, so it may
be sent again with the same key. The pattern is that of the IETF draft
"The Idempotency-Key HTTP Header Field".
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from dmvrequests.api.errors import error_response
from dmvrequests.api.models import IdempotencyRecord

if TYPE_CHECKING:
    from accounts.models import User

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)


def request_digest(request: HttpRequest) -> str:
    """SHA-256 over the method, the path and the body: the raw body for JSON, and for a
    multipart body its fields and its files' contents in a fixed order (a client's retry
    draws a new multipart boundary, which must not make it a different request)."""
    sha = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if (request.content_type or "").startswith("multipart/"):
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                sha.update(f"field {name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                file_sha = hashlib.sha256()
                for chunk in upload.chunks():
                    file_sha.update(chunk)
                upload.seek(0)
                sha.update(f"file {name}={file_sha.hexdigest()}\n".encode())
    else:
        sha.update(request.body)
    return sha.hexdigest()


def _claim(user: User, key: str, digest: str) -> IdempotencyRecord | None:
    """Claim the key for this request: None when it is new (or its record expired), else
    the record already kept under it."""
    IdempotencyRecord.objects.filter(
        user=user, key=key, created_at__lt=timezone.now() - KEEP_FOR
    ).delete()
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(user=user, key=key, request_digest=digest)
    except IntegrityError:
        return IdempotencyRecord.objects.filter(user=user, key=key).first()
    return None


def _replay(record: IdempotencyRecord, digest: str) -> HttpResponse:
    if record.request_digest != digest:
        return error_response(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request. Use a new key "
            "for a new request; send the same request again to get its answer.",
            {HEADER: ["Already used for a different request."]},
        )
    if record.status_code == 0:
        return error_response(
            409,
            "idempotency_in_progress",
            "A request with this Idempotency-Key is still being answered; wait a moment and "
            "send it again.",
        )
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(
    request: HttpRequest, user: User, key: str, answer: Callable[[HttpRequest], HttpResponse]
) -> HttpResponse:
    """Answer `request` through `answer` once per (user, key), as the module says."""
    digest = request_digest(request)
    kept = _claim(user, key, digest)
    if kept is not None:
        return _replay(kept, digest)
    response = answer(request)
    records = IdempotencyRecord.objects.filter(user=user, key=key, status_code=0)
    if 200 <= response.status_code < 300 and not response.streaming:
        records.update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
    else:
        records.delete()
    return response


def valid_key(key: str) -> bool:
    """1 to 255 printable ASCII characters."""
    return 0 < len(key) <= 255 and all(" " <= c <= "~" for c in key)
