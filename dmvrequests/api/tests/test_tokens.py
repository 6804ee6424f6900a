"""Personal API tokens: shown once, stored hashed, expiring, revocable."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dmvrequests.api.models import ApiToken
from dmvrequests.api.tokens import token_create, token_find, token_revoke


@pytest.mark.django_db
def test_only_the_digest_is_kept(clerk):
    row, token = token_create(user=clerk, name="Case system", days=30)
    assert token.startswith(f"dmv_{row.prefix}_")
    assert len(token) > 50
    stored = ApiToken.objects.get(pk=row.pk)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {stored.digest, stored.prefix, stored.name}
    assert token_find(token) == row


@pytest.mark.django_db
def test_a_token_with_a_wrong_secret_is_not_found(clerk):
    row, token = token_create(user=clerk, name="x")
    assert token_find(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert token_find(f"dmv_{row.prefix}_") is None


@pytest.mark.django_db
def test_an_expired_token_is_not_found(clerk):
    row, token = token_create(user=clerk, name="x", days=1)
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_find(token) is None


@pytest.mark.django_db
def test_a_revoked_token_is_not_found(clerk):
    row, token = token_create(user=clerk, name="x")
    token_revoke(token=row, actor=clerk)
    assert token_find(token) is None


@pytest.mark.django_db
def test_a_deactivated_users_token_is_not_found(clerk):
    _, token = token_create(user=clerk, name="x")
    clerk.is_active = False
    clerk.save()
    assert token_find(token) is None


@pytest.mark.django_db
def test_only_the_owner_revokes(clerk, other_clerk):
    row, token = token_create(user=clerk, name="x")
    with pytest.raises(ValidationError):
        token_revoke(token=row, actor=other_clerk)
    assert token_find(token) == row


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 366, -1])
def test_the_lifetime_is_bounded(clerk, days):
    with pytest.raises(ValidationError):
        token_create(user=clerk, name="x", days=days)
