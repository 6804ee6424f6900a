"""What the API keeps: officers' personal tokens, the responses stored under idempotency keys,
and each agency's webhook with its deliveries (docs/api.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dmvrequests.validators import single_line


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Neither revoked nor expired, now."""
        return self.filter(revoked_at=None, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token of an officer. Only the SHA-256 digest of the secret is kept;
    the token itself is shown once, when it is made. `prefix` (random, public) finds the
    row; the digest is then compared in constant time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, validators=[single_line], help_text="What the token is for."
    )
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyRecord(models.Model):
    """The response to a POST sent with an `Idempotency-Key`, kept for a day: the same key
    with the same request replays it; with another request it is refused. `status_code` 0
    marks a request still being answered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_user_key")
        ]
        indexes = [models.Index(fields=["created_at"], name="api_idempotency_created_idx")]

    def __str__(self):
        return self.key


class Webhook(models.Model):
    """An agency's HTTPS endpoint, called when one of its requests changes status; each call
    is signed with HMAC-SHA256 under `secret` (docs/api.md, "Webhooks")."""

    agency = models.OneToOneField(
        "agencies.Agency", on_delete=models.CASCADE, related_name="webhook"
    )
    url = models.URLField("endpoint URL", max_length=500)
    secret = models.CharField(max_length=128, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    DELIVERED = "delivered", "Delivered"
    RETRYING = "retrying", "Failed; will try again"
    FAILED = "failed", "Failed; no more tries"


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to a webhook, with every attempt's outcome."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(unique=True)
    event = models.CharField(max_length=40)
    case_number = models.CharField(max_length=16)
    payload = models.JSONField()
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self):
        return f"{self.event} {self.case_number}"
