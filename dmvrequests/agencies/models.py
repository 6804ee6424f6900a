import re

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from dmvrequests.validators import single_line
from dmvrequests.vocabulary import STATE_CODES, AgencyKind

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate_ori(value):
    """An NCIC Originating Agency Identifier: 9 characters starting with a state code."""
    if len(value) != 9 or not value.isalnum():
        raise ValidationError("An ORI has exactly 9 letters or digits, for example NY0010000.")
    if value[:2].upper() not in STATE_CODES:
        raise ValidationError(
            f"An ORI starts with a two-letter state code; {value[:2]!r} is not one."
        )


def normalise_domains(text):
    """Split a comma or whitespace separated list of domains and validate each."""
    domains = []
    for part in re.split(r"[\s,]+", (text or "").strip().lower()):
        if not part:
            continue
        part = part.lstrip("@").rstrip(".")
        if not DOMAIN_RE.match(part):
            raise ValidationError(f"{part!r} is not an email domain such as ice.dhs.gov.")
        if part not in domains:
            domains.append(part)
    return domains


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(blocked=False)


class Agency(models.Model):
    name = models.CharField(max_length=200, validators=[single_line])
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    ori = models.CharField(
        "ORI",
        max_length=9,
        blank=True,
        validators=[validate_ori, single_line],
        help_text="NCIC Originating Agency Identifier: 9 characters, starting with a state code.",
    )
    jurisdiction = models.CharField(
        max_length=120,
        blank=True,
        validators=[single_line],
        help_text="E.g. 'Federal', 'NY', 'Albany County'.",
    )
    email_domains = models.TextField(
        blank=True,
        help_text="Email domains the agency sends from, separated by commas; subdomains match too.",
    )
    published_phone = models.CharField(
        max_length=40,
        blank=True,
        validators=[single_line],
        help_text="The agency's published number, used to confirm requesters by calling back.",
    )
    blocked = models.BooleanField(default=False)
    blocked_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        indexes = [models.Index(fields=["kind"], name="agency_kind_idx")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.ori:
            self.ori = self.ori.upper()
        self.email_domains = ", ".join(normalise_domains(self.email_domains))
        if self.blocked and not self.blocked_reason.strip():
            raise ValidationError({"blocked_reason": "Say why the agency is blocked."})

    @property
    def domain_list(self):
        return [d for d in (x.strip() for x in self.email_domains.split(",")) if d]

    def matches_domain(self, domain):
        """True when `domain` equals one of ours or is a subdomain of one."""
        domain = (domain or "").lower().rstrip(".")
        return any(domain == d or domain.endswith("." + d) for d in self.domain_list)


class Requester(models.Model):
    """The officer or person at an agency who asks for records."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requesters")
    name = models.CharField(max_length=200, validators=[single_line])
    title = models.CharField(max_length=120, blank=True, validators=[single_line])
    badge = models.CharField(
        "badge or ID number", max_length=60, blank=True, validators=[single_line]
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True, validators=[single_line])
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["agency", "email"], name="requester_agency_email_idx")]

    def __str__(self):
        return f"{self.name} ({self.agency})"
