from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from dmvrequests.policy.engine import PolicyInputError, validate_rules


class PolicyProfile(models.Model):
    """A state's disclosure rules as data (docs/profiles.md), read by the pure engine.

    `rules` is the single source of the profile's words: `name` and `citation` are
    copied from it by the services. Exactly one profile is active; writes go through
    `policy.services` so that every change bumps `version` and records its actor.
    """

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    citation = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rules = models.JSONField(help_text="Structured rules; see docs/profiles.md for the schema.")
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every change; decisions record the version they used."
    )
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        constraints = [
            # At most one active profile; the services keep it at exactly one.
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="policy_one_active_profile",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.slug}, version {self.version})"

    def clean(self):
        try:
            validate_rules(self.rules)
        except PolicyInputError as error:
            raise ValidationError(
                {"rules": f"The rules are not valid at {error.field}: {error.problem}."}
            ) from None
