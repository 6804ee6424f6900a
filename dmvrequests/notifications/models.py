from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    ASSIGNMENT = "assignment", "A case was assigned to you"
    EMERGENCY = "emergency", "An emergency request arrived"
    DIGEST = "digest", "Daily digest of cases and notices due"
    FOLLOWUP_OVERDUE = "followup_overdue", "An emergency follow-up is overdue"
    ROLE_GRANT = "role_grant", "A role was granted or asked for"
    LETTER = "letter", "A letter to an agency"
    OUTBOUND_IMMIGRATION = "outbound_alert", "Staff email with record data to an immigration agency"
    PORTAL = "portal", "An agency portal account: its address, its approval"
    SWITCH_ALERT = "switch_alert", "Network queries: a block leak, photo requests, a burst"


# Emergencies and late follow-ups always go out; the others can be switched off.
ESSENTIAL = frozenset(
    {
        Kind.EMERGENCY,
        Kind.FOLLOWUP_OVERDUE,
        Kind.ROLE_GRANT,
        Kind.LETTER,
        Kind.OUTBOUND_IMMIGRATION,
        Kind.PORTAL,
        Kind.SWITCH_ALERT,
    }
)


class Preference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    assignment = models.BooleanField("email me when a case is assigned to me", default=True)
    digest = models.BooleanField("send me the daily digest of what is due", default=True)
    history = HistoricalRecords()

    def __str__(self):
        return f"Notification preferences of {self.user}"

    def wants(self, kind):
        if kind in ESSENTIAL:
            return True
        return {Kind.ASSIGNMENT: self.assignment, Kind.DIGEST: self.digest}.get(kind, True)


class OutboundEmail(models.Model):
    """The outbox: written in the same transaction as the change it reports, sent after.

    A message is queued for sending when its transaction commits; if the broker is
    down then, the sweep task sends it later. Nothing is lost with Redis down.
    """

    kind = models.CharField(max_length=24, choices=Kind.choices)
    recipient = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.DisclosureRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=250)
    body = models.TextField()
    dedupe_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Given up on (a message that can never be sent, or MAX_ATTEMPTS failures): shown to
    # administrators on every page until they deal with it, never retried silently.
    failed_at = models.DateTimeField(null=True, blank=True)
    # One attached file, sent as stored here (a letter's PDF: the same bytes as kept on
    # the case); blank name for none.
    attachment_name = models.CharField(max_length=120, blank=True)
    attachment_type = models.CharField(max_length=80, blank=True)
    attachment = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"], name="outbox_unsent_idx", condition=models.Q(sent_at=None)
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}"
