"""Personal API tokens: made, found and revoked here only (docs/api.md, "Tokens").

A token reads `dmv_<prefix>_<secret>`: the prefix (12 hex characters, random) finds the row,
the secret (43 URL-safe characters, 256 bits from `secrets`) is never stored; the row keeps
the SHA-256 digest of the whole token, compared with `hmac.compare_digest` (constant time).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dmvrequests.api.models import ApiToken

if TYPE_CHECKING:
    from accounts.models import User

TOKEN_PREFIX = "dmv_"  # noqa: S105 - the public start of every token, not a secret
# How long a token lasts unless the officer chooses fewer days, and the longest allowed.
DEFAULT_DAYS = 90
MAX_DAYS = 365


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `user`, lasting `days` days (1 to 365). Returns the row and the token
    itself, which is shown once and never kept. Raises ValidationError for a bad name or a
    number of days out of range."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": f"Choose between 1 and {MAX_DAYS} days."})
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(
        user=user,
        name=(name or "").strip(),
        prefix=prefix,
        digest=_digest(token),
        expires_at=timezone.now() + timedelta(days=days),
    )
    row.full_clean()
    row.save()
    return row, token


def token_find(token: str) -> ApiToken | None:
    """The usable token row that `token` names, or None (unknown, malformed, revoked,
    expired, or its user deactivated). Records when it was last used."""
    body = token[len(TOKEN_PREFIX) :] if token.startswith(TOKEN_PREFIX) else ""
    prefix, separator, secret = body[:12], body[12:13], body[13:]
    if separator != "_" or not secret:
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.digest, _digest(token)):
        return None
    if not row.is_usable or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke `token` now (a revoked token is refused at once). Only its owner revokes it;
    revoking twice keeps the first time."""
    if token.user_id != actor.pk:
        raise ValidationError("This token is not yours.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_of(user: User):
    """The user's tokens, newest first (revoked and expired included, to show them)."""
    return ApiToken.objects.filter(user=user)
