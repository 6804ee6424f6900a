import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from dmvrequests.validators import single_line
from dmvrequests.vocabulary import STATE_CODES, STATE_NAMES, AgencyKind, state_words

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


ORI_FORMAT = "An ORI has exactly 9 letters or digits, for example NY0010000."


def validate_ori(value):
    """An NCIC Originating Agency Identifier: 9 ASCII letters or digits (ORI_RE, in any
    case) starting with a state code."""
    if not ORI_RE.fullmatch(value.upper()):
        raise ValidationError(ORI_FORMAT)
    if value[:2].upper() not in STATE_CODES:
        raise ValidationError(
            f"An ORI starts with a two-letter state code; {value[:2]!r} is not one."
        )


ORI_RE = re.compile(r"^[A-Z0-9]{9}$")
ORI_PATTERN_RE = re.compile(r"^[A-Z0-9]{1,8}\*$")


def parse_ori_list(text):
    """Split a space or comma separated list of ORIs and ORI patterns into upper-case
    values: an ORI is 9 letters or digits (NCIC); a pattern is a prefix of 1 to 8 of them
    ending in `*` (`DCICE*`: every ORI starting DCICE). Raises ValidationError naming the
    first value that is neither."""
    values = []
    for part in re.split(r"[\s,]+", (text or "").strip().upper()):
        if not part:
            continue
        if not (ORI_RE.match(part) or ORI_PATTERN_RE.match(part)):
            raise ValidationError(
                f"{part!r} is neither an ORI (9 letters or digits, e.g. NY0010000) nor an "
                "ORI pattern (a prefix ending in *, e.g. DCICE*)."
            )
        if part not in values:
            values.append(part)
    return values


def parse_one_ori(text):
    """The one ORI or ORI pattern of `text`, upper case (as parse_ori_list reads it). Raises
    ValidationError when `text` holds none, more than one, or a value that is neither."""
    one = "Give one ORI (e.g. NY0010000) or one ORI pattern (e.g. DCICE*)"
    if len(re.split(r"[\s,]+", (text or "").strip())) > 1:
        raise ValidationError(f"{one}: {(text or '').strip()!r} holds more than one value.")
    values = parse_ori_list(text)
    if len(values) != 1:
        raise ValidationError(f"{one}.")
    return values[0]


# The kinds of agency a state has of its own: its state police and its local police, whose
# ORIs start with the state's postal code (NCIC). Federal and immigration agencies hold ORIs of
# every state (a field office's), and courts, prosecutors, motor vehicle agencies or other
# government agencies may be another state's or federal: their ORIs are never questioned.
OWN_STATE_KINDS = frozenset({AgencyKind.STATE_LAW_ENFORCEMENT, AgencyKind.LOCAL_LAW_ENFORCEMENT})


def _state_of(value):
    """The state code an ORI or ORI pattern starts with, or "" (none, or a pattern of one
    character)."""
    code = value[:2].upper() if len(value.rstrip("*")) >= 2 else ""
    return code if code in STATE_CODES else ""


def other_state(value, *, kind, jurisdiction, held):
    """The code of another state than the DMV's own (settings.DMV_STATE) that the
    ORI or ORI pattern `value` starts with, when it goes to an agency the directory takes for
    one of the state's own: of a kind in OWN_STATE_KINDS, its `jurisdiction` not that state's
    code and none of its ORIs (`held`) starting with it. "" otherwise: no state set, an ORI of
    the state, a federal or immigration agency, an agency the directory says is of that state
    (docs/network-queries.md, "Unknown ORIs")."""
    home = settings.DMV_STATE
    state = _state_of(value)
    if not home or not state or state == home or kind not in OWN_STATE_KINDS:
        return ""
    if (jurisdiction or "").strip().upper() == state:
        return ""
    if any(_state_of(other) == state for other in held):
        return ""
    return state


def _possessive(name):
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def other_state_message(value, state, *, agency_name, kind, check, confirm_label):
    """What to say of `value`, an ORI of `state` (other_state) given to `agency_name`, an
    agency of `kind`: what is odd (the codes named, DC and territories as what they are, not
    as states), what to check (`check`: the form's own words, "the agency chosen"), and the
    box to tick if it is right."""
    home = settings.DMV_STATE
    return (
        f"{value} starts with {state_words(state)}, not {home}, but {agency_name} is a "
        f"{AgencyKind(kind).label.lower()} agency, taken for one of "
        f"{_possessive(STATE_NAMES.get(home, home))} own, whose ORIs start with {home}. "
        f"Check the ORI and {check}. If they are right, tick “{confirm_label}”."
    )


# simple-history's history_change_reason is a varchar(100): a longer reason would be refused by
# PostgreSQL, so other_state_reason makes its words fit.
CHANGE_REASON_MAX = 100


def other_state_reason(confirmed, *, agency_name, head="Confirmed"):
    """The history's words for ORIs and patterns of other states confirmed by the tick box
    (`confirmed`: (value, state) pairs, as other_state found them) for `agency_name`: "Confirmed
    NJ0300000, an ORI of NJ (New Jersey), for Albany Police". At most CHANGE_REASON_MAX
    characters: a long agency name is cut (the history row is the agency's own), then values
    beyond the first are counted, not listed."""
    if len(confirmed) == 1:
        value, state = confirmed[0]
        noun = "an ORI pattern" if value.endswith("*") else "an ORI"
        listed = [f"{head} {value}, {noun} of {state_words(state)}"]
    else:
        items = [f"{value} ({state})" for value, state in confirmed]
        listed = [
            f"{head} {', '.join(items[:count])}"
            + (f" and {len(items) - count} more" if count < len(items) else "")
            + ", out-of-state ORIs"
            for count in range(len(items), 0, -1)
        ]
    what = next((text for text in listed if len(text) <= CHANGE_REASON_MAX), listed[-1])
    what = what[:CHANGE_REASON_MAX]
    room = CHANGE_REASON_MAX - len(what) - len(", for ")
    if len(agency_name) <= room:
        return f"{what}, for {agency_name}"
    if room >= 12:
        return f"{what}, for {agency_name[: room - 1].rstrip()}…"
    return what


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
    oris = models.TextField(
        "ORIs",
        blank=True,
        help_text="Every ORI the agency queries from, and ORI patterns such as DCICE* (a prefix "
        "ending in *), separated by spaces.",
    )
    blocked = models.BooleanField(default=False)
    blocked_reason = models.TextField(blank=True)
    blocked_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the block took effect; empty for a block older than the record of it.",
    )
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
        try:
            self.oris = " ".join(parse_ori_list(self.oris))
        except ValidationError as error:
            raise ValidationError({"oris": error.messages}) from None
        if self.blocked and not self.blocked_reason.strip():
            raise ValidationError({"blocked_reason": "Say why the agency is blocked."})
        if not self.blocked:
            self.blocked_since = None

    @property
    def ori_list(self):
        """The agency's ORIs and ORI patterns: its main ORI first, then the others."""
        values = [self.ori.upper()] if self.ori else []
        return values + [v for v in self.oris.split() if v not in values]

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


class OfficerApproval(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class OfficerQuerySet(models.QuerySet):
    def approved(self):
        """Approved, active officers whose address is verified: those who may use the portal."""
        return self.filter(
            approval=OfficerApproval.APPROVED, active=True, email_verified_at__isnull=False
        )

    def portal_admins(self):
        return self.approved().filter(is_portal_admin=True)


class Officer(models.Model):
    """An agency's officer with an account on the agency portal (and its API).

    One user account each (`user`), never a staff account: no office, no role. The officer is
    also the directory's requester (`requester`) that the cases submitted through the portal
    name, so "the officer's own requests" are the cases of that requester. The address is
    verified by a signed link; the agency's first officers are approved by DMV
    administrators, later ones by the agency's portal administrators.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers")
    requester = models.OneToOneField(Requester, on_delete=models.PROTECT, related_name="officer")
    name = models.CharField(max_length=200, validators=[single_line])
    title = models.CharField(max_length=120, blank=True, validators=[single_line])
    badge = models.CharField(
        "badge or ID number", max_length=60, blank=True, validators=[single_line]
    )
    supervisor = models.CharField(
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text="The officer's supervisor: name and rank, as the agency knows them.",
    )
    email = models.EmailField(
        unique=True, help_text="The officer's address at the agency; it is verified by a link."
    )
    email_verified_at = models.DateTimeField(null=True, blank=True)
    approval = models.CharField(
        max_length=10, choices=OfficerApproval.choices, default=OfficerApproval.PENDING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who approved or refused: a DMV administrator or the agency's portal administrator.",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    is_portal_admin = models.BooleanField(
        "portal administrator",
        default=False,
        help_text="Sees every request of the agency and approves the agency's new officers.",
    )
    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    deactivation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = OfficerQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "name"]
        indexes = [models.Index(fields=["agency", "approval"], name="officer_agency_approval_idx")]

    def __str__(self):
        return f"{self.name} ({self.agency})"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_approved(self) -> bool:
        return self.approval == OfficerApproval.APPROVED

    @property
    def may_see_requests(self) -> bool:
        """Approved, active and verified: the officer may read requests (a blocked agency's
        officers still read their past requests)."""
        return self.active and self.is_approved and self.email_verified

    def submit_refusal(self) -> str | None:
        """Why this officer may not submit a request now, in words for the officer; None
        when they may. Checked by the portal's form and by the service that submits."""
        if not self.active:
            return "Your portal account is deactivated: " + (
                self.deactivation_reason or "ask the DMV's legal unit why."
            )
        if not self.email_verified:
            return "Verify your email address first: open the link we sent to it."
        if self.approval == OfficerApproval.REFUSED:
            return "Your registration was refused; ask your agency's portal administrator."
        if not self.is_approved:
            return "Your registration is waiting for approval; you can submit once it is approved."
        if self.agency.blocked:
            return (
                f"{self.agency.name} is blocked from requesting records: "
                f"{self.agency.blocked_reason} Requests cannot be submitted while the block stands."
            )
        return None


class OriBlock(models.Model):
    """An ORI (or ORI pattern such as `DCICE*`) blocked at the state switch on its own,
    whatever agency it belongs to. A block holds from `effective_at` until `lifted_at`."""

    ori = models.CharField(
        "ORI",
        max_length=9,
        help_text="An ORI (9 letters or digits) or a pattern such as DCICE* (a prefix ending in *).",
        validators=[single_line],
    )
    reason = models.TextField()
    effective_at = models.DateTimeField("in effect from")
    lifted_at = models.DateTimeField("lifted at", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["ori", "effective_at"]
        verbose_name = "ORI block"
        indexes = [models.Index(fields=["ori"], name="oriblock_ori_idx")]

    def __str__(self):
        return self.ori

    def clean(self):
        self.ori = (self.ori or "").strip().upper()
        if not (ORI_RE.match(self.ori) or ORI_PATTERN_RE.match(self.ori)):
            raise ValidationError(
                {"ori": "Give an ORI (9 letters or digits) or a pattern such as DCICE*."}
            )
        if not self.reason.strip():
            raise ValidationError({"reason": "Say why the ORI is blocked."})
        if self.lifted_at and self.lifted_at <= self.effective_at:
            raise ValidationError({"lifted_at": "A block is lifted after it took effect."})


class BlocklistVersion(models.Model):
    """A version of the ORI block list handed to the switch administrator: its text as
    exported, who handed it over (None: the command line) and when."""

    content = models.TextField(help_text="The block list as exported (CSV).")
    oris = models.TextField(help_text="The ORIs and patterns it holds, separated by spaces.")
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handed_over_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handed_over_at", "-id"]
        verbose_name = "block list version"

    def __str__(self):
        """Named by when it was handed over, in the state's time zone (TIME_ZONE) with its
        abbreviation, as the administration site's titles show it: "Block list of Mar 15, 2026
        00:30 EDT"."""
        from django.utils import timezone

        if self.handed_over_at is None:
            return "Block list not yet handed over"
        local = timezone.localtime(self.handed_over_at)
        return f"Block list of {local:%b} {local.day}, {local:%Y %H:%M %Z}"


class CertificationKind(models.TextChoices):
    """What an agency certified or agreed to, as states' laws require of agencies that receive
    DMV data (docs/portal.md, "Certifications on file")."""

    NO_IMMIGRATION_ENFORCEMENT = (
        "no_civil_immigration",
        "Annual certification of no use for civil immigration enforcement",
    )
    DATA_SHARING_AGREEMENT = (
        "data_sharing_agreement",
        "Data-sharing agreement with certification",
    )
    OTHER = "other", "Other certification or agreement"


def certification_path(instance, filename):
    # Never the uploaded name: it is user input and may collide or traverse.
    from django.utils import timezone

    return f"certifications/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Certification(models.Model):
    """A certification or agreement an agency signed, kept on file: its text, who signed it
    (name and title, under penalty of perjury when signed on the portal), when, until when it
    holds, and the signed document (PDF) when one was uploaded. Colorado requires an annual
    certification that DMV data will not be used for civil immigration enforcement (C.R.S.
    24-74, SB21-131); Illinois requires it in data-sharing agreements (625 ILCS 5/6-110.3).
    The policy engine does not read these: they are a record for staff."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="certifications")
    kind = models.CharField(max_length=32, choices=CertificationKind.choices)
    text = models.TextField(help_text="The words certified or agreed to, as signed.")
    signed_by_name = models.CharField(
        "signed by", max_length=200, validators=[single_line], help_text="The signer's full name."
    )
    signed_by_title = models.CharField(
        "signer's title", max_length=120, blank=True, validators=[single_line]
    )
    signed_at = models.DateTimeField()
    expires_on = models.DateField(help_text="The last day the certification holds.")
    attested = models.BooleanField(
        "attested under penalty of perjury on the portal",
        default=False,
        help_text="Signed on the agency portal with the attestation ticked and the name typed.",
    )
    document = models.FileField(upload_to=certification_path, blank=True)
    original_filename = models.CharField(max_length=255, blank=True, validators=[single_line])
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who put it on file: the agency's portal administrator or a DMV administrator.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency", "-expires_on", "-id"]
        indexes = [
            models.Index(fields=["agency", "expires_on"], name="certification_agency_exp_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.agency} (until {self.expires_on:%b %d, %Y})"

    def clean(self):
        if not self.text.strip():
            raise ValidationError({"text": "Give the words that were certified or agreed to."})
        if self.signed_at and self.expires_on and self.expires_on < self.signed_at.date():
            raise ValidationError({"expires_on": "A certification expires after it is signed."})
