import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from dmvrequests.policy.engine import PolicyInputError, validate_rules
from dmvrequests.validators import single_line
from dmvrequests.vocabulary import Confidence

SOURCE_FIELDS = {"citation", "read_on", "note"}


def validate_sources(value):
    """`sources`: a list of {"citation": text, "read_on": "YYYY-MM-DD", "note": optional text}."""
    if not isinstance(value, list):
        raise ValidationError("The sources must be a list.")
    for index, source in enumerate(value):
        where = f"Source {index + 1}"
        if not isinstance(source, dict) or not {"citation", "read_on"} <= set(source):
            raise ValidationError(f"{where} needs a citation and the date it was read (read_on).")
        if set(source) - SOURCE_FIELDS:
            unknown = ", ".join(sorted(set(source) - SOURCE_FIELDS))
            raise ValidationError(f"{where} has unknown keys: {unknown}.")
        if not all(isinstance(source.get(key, ""), str) for key in SOURCE_FIELDS):
            raise ValidationError(f"{where}: every value must be text.")
        if not source["citation"].strip():
            raise ValidationError(f"{where} needs a citation.")
        try:
            datetime.date.fromisoformat(source["read_on"])
        except ValueError:
            raise ValidationError(f"{where}: read_on must be a date, YYYY-MM-DD.") from None


def validate_open_questions(value):
    """`open_questions`: a list of non-empty texts."""
    if not isinstance(value, list) or not all(isinstance(q, str) and q.strip() for q in value):
        raise ValidationError("The open questions must be a list of non-empty texts.")


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
    # How sure the project is (docs/profiles.md, "Confidence and review").
    confidence = models.CharField(
        max_length=20, choices=Confidence.choices, default=Confidence.PARTLY_CONFIRMED
    )
    sources = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_sources],
        help_text='Citations read: [{"citation": ..., "read_on": "YYYY-MM-DD", "note": ...}].',
    )
    open_questions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_open_questions],
        help_text="What the sources left open, for the state's counsel to answer.",
    )
    # A state counsel's review, recorded by an administrator (policy.services.profile_record_review).
    reviewed_by = models.CharField(
        "reviewed by",
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="The reviewing counsel's name and title.",
    )
    reviewed_on = models.DateField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    reviewed_version = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The version counsel reviewed; a later edit needs a new review.",
    )
    review_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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

    @property
    def is_reviewed(self):
        """True when a state counsel's review covers the rules in force (this version)."""
        return self.reviewed_version is not None and self.reviewed_version == self.version

    @property
    def sources_dated(self):
        """The sources for a page: each {"citation", "read_on" (a `datetime.date`), "note"}."""
        return [
            {**source, "read_on": datetime.date.fromisoformat(source["read_on"])}
            for source in self.sources
        ]

    @property
    def sources_read_on(self):
        """The date the profile's sources were first read (a `datetime.date`), or None."""
        dates = [datetime.date.fromisoformat(source["read_on"]) for source in self.sources]
        return min(dates, default=None)

    def review_date_problem(self, reviewed_on):
        """Why `reviewed_on` cannot be the date of counsel's review of this profile, or None.

        A review is of the profile as written, so it cannot come before its sources were
        read, nor be in the future (today is the office's local date).
        """
        if reviewed_on > timezone.localdate():
            return "The review date cannot be in the future. Enter the date counsel reviewed it."
        earliest = self.sources_read_on
        if earliest and reviewed_on < earliest:
            return (
                f"The review date cannot come before the profile's sources were read "
                f"({date_format(earliest, 'M j, Y')}). Enter the date counsel reviewed it."
            )
        return None

    @property
    def is_partly_confirmed(self):
        return self.confidence == Confidence.PARTLY_CONFIRMED

    def clean(self):
        try:
            validate_rules(self.rules)
        except PolicyInputError as error:
            raise ValidationError(
                {"rules": f"The rules are not valid at {error.field}: {error.problem}."}
            ) from None
