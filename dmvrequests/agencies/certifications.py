"""Certifications and agreements an agency keeps on file (docs/portal.md, "Certifications on
file"): recording one, with its signed PDF, and reading an agency's status.

Status of an agency, on a given day, from the certification on file that holds longest:
`valid`; `expiring` when it ends within CERTIFICATION_REMINDER_DAYS days (the day the agency's
portal administrators are reminded); `expired` when every one has ended; `none` when nothing
is on file. The policy engine's rules do not read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dmvrequests import files
from dmvrequests.agencies.models import Agency, Certification, CertificationKind

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

# The longest a certification may be recorded to hold (an agreement of several years).
MAX_YEARS = 5

VALID, EXPIRING, EXPIRED, NONE = "valid", "expiring", "expired", "none"
STATE_WORDS = {
    VALID: "Valid",
    EXPIRING: "Expiring soon",
    EXPIRED: "Expired",
    NONE: "None on file",
}

# The words offered on the portal for each kind, which the signer may change.
SUGGESTED_TEXT = {
    CertificationKind.NO_IMMIGRATION_ENFORCEMENT: (
        "On behalf of {agency}, I certify that records and information obtained from the "
        "Department of Motor Vehicles will not be used for civil immigration enforcement, "
        "and will not be shared with any person or agency for that purpose, during the "
        "period of this certification."
    ),
    CertificationKind.DATA_SHARING_AGREEMENT: (
        "{agency} agrees to use records and information obtained from the Department of Motor "
        "Vehicles only for the purposes stated in its requests and certifies that it will not "
        "use them, or share them, for civil immigration enforcement."
    ),
    CertificationKind.OTHER: "",
}


def reminder_days() -> int:
    """Days before expiry when a certification is "expiring" and its agency is reminded
    (CERTIFICATION_REMINDER_DAYS, default 30)."""
    return int(getattr(settings, "CERTIFICATION_REMINDER_DAYS", 30))


@dataclass(frozen=True)
class CertificationStatus:
    """An agency's certification status: `state` (valid, expiring, expired, none), the
    certification it is read from (None for none) and the days left until it ends (0 on its
    last day, negative once expired; None for none)."""

    state: str
    certification: Certification | None
    days_left: int | None

    @property
    def words(self) -> str:
        """The status in words for staff and officers, with the date it ends or ended."""
        found = self.certification
        if found is None:
            return STATE_WORDS[NONE]
        when = f"{found.expires_on:%b} {found.expires_on.day}, {found.expires_on.year}"
        if self.state == EXPIRED:
            return f"Expired on {when}"
        if self.state == EXPIRING:
            days = "today" if self.days_left == 0 else f"in {self.days_left} days"
            return f"Expiring {days} ({when})"
        return f"Valid until {when}"


def status_of(certifications: list[Certification], today: date) -> CertificationStatus:
    """The status read from `certifications` (one agency's) on `today`."""
    if not certifications:
        return CertificationStatus(NONE, None, None)
    longest = max(certifications, key=lambda c: (c.expires_on, c.pk or 0))
    days_left = (longest.expires_on - today).days
    if days_left < 0:
        state = EXPIRED
    elif days_left <= reminder_days():
        state = EXPIRING
    else:
        state = VALID
    return CertificationStatus(state, longest, days_left)


def certification_status(agency: Agency, today: date | None = None) -> CertificationStatus:
    """`agency`'s status today (local date) or on `today`."""
    today = today or timezone.localdate()
    return status_of(list(agency.certifications.all()), today)


def certifications_of(agency: Agency) -> Any:
    """The agency's certifications, the latest ending first (a QuerySet)."""
    return agency.certifications.select_related("recorded_by").order_by("-expires_on", "-id")


def directory_with_status(today: date | None = None) -> list[tuple[Agency, CertificationStatus]]:
    """The agencies that use the portal (with officers) or have a certification on file, by
    name, with their certification status (two queries). The whole directory, with its
    status, is the administration's list of agencies."""
    today = today or timezone.localdate()
    agencies = list(
        Agency.objects.filter(Q(officers__isnull=False) | Q(certifications__isnull=False))
        .distinct()
        .order_by("name")
        .prefetch_related("certifications")
    )
    return [(a, status_of(list(a.certifications.all()), today)) for a in agencies]


def _check_dates(signed_at: datetime, expires_on: date) -> None:
    today = timezone.localdate()
    if signed_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"signed_on": "A certification cannot be signed in the future."})
    if expires_on < today:
        raise ValidationError(
            {"expires_on": "This date has passed: record a certification that still holds."}
        )
    if expires_on > today + timedelta(days=366 * MAX_YEARS):
        raise ValidationError(
            {"expires_on": f"A certification is recorded for at most {MAX_YEARS} years."}
        )


def _attach(certification: Certification, upload: UploadedFile) -> None:
    """Check the upload is a PDF (by its first bytes) within LEGAL_DOCUMENT_MAX_BYTES, and
    attach it; the file is written when the row is saved."""
    head = upload.read(16)
    upload.seek(0)
    name = files.safe_filename(upload.name or "")
    if files.sniff_content_type(head) != "application/pdf":
        raise ValidationError(
            {
                "document": f"{name} is not a PDF file. Save the signed document as a PDF and "
                "upload it again."
            }
        )
    limit = settings.LEGAL_DOCUMENT_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ValidationError(
            {
                "document": f"{name} is {(upload.size or 0) / 1048576:.1f} MB; the limit is "
                f"{limit / 1048576:.0f} MB. Compress the PDF and upload it again."
            }
        )
    certification.sha256, certification.size = files.sha256_of(upload.chunks())
    upload.seek(0)
    certification.original_filename = name
    certification.document.save(name, upload, save=False)


class DuplicateCertification(ValidationError):
    """The same certification is on file already (certification_record); nothing new was
    recorded. Not a mistake in the form: pages say it as information, not as an error."""


def _refuse_duplicate(certification: Certification) -> None:
    """Refuse the same certification a second time (a form sent twice, a second click): same
    agency, kind, words, signer, expiry and document (or none). The agency's row is locked so
    that two requests at once cannot both pass."""
    Agency.objects.select_for_update().filter(pk=certification.agency_id).first()
    earlier = (
        Certification.objects.filter(
            agency=certification.agency_id,
            kind=certification.kind,
            text=certification.text,
            signed_by_name=certification.signed_by_name,
            expires_on=certification.expires_on,
            sha256=certification.sha256,
        )
        .order_by("-signed_at")
        .first()
    )
    if earlier is not None:
        signed = timezone.localtime(earlier.signed_at).strftime("%b %d, %Y")
        raise DuplicateCertification(
            f"This certification is already on file: signed by {earlier.signed_by_name} on "
            f"{signed}, valid until {earlier.expires_on:%b %d, %Y}. Nothing new was recorded; "
            "to renew it, give the new expiry date."
        )


@transaction.atomic
def certification_record(
    *,
    agency: Agency,
    actor: User,
    kind: str,
    text: str,
    signed_by_name: str,
    signed_by_title: str,
    signed_at: datetime,
    expires_on: date,
    attested: bool = False,
    upload: UploadedFile | None = None,
) -> Certification:
    """Put a certification of `agency` on file, recorded by `actor` (the agency's portal
    administrator signing on the portal with `attested` True, or a DMV administrator), in
    the certification's history. `upload`: the signed document, a PDF of at most
    LEGAL_DOCUMENT_MAX_BYTES. Raises ValidationError (by field) for a date in the past or more
    than MAX_YEARS ahead, a file that is not a PDF or too large, or a field the model
    refuses; nothing is stored then."""
    _check_dates(signed_at, expires_on)
    certification = Certification(
        agency=agency,
        kind=kind,
        text=(text or "").strip(),
        signed_by_name=(signed_by_name or "").strip(),
        signed_by_title=(signed_by_title or "").strip(),
        signed_at=signed_at,
        expires_on=expires_on,
        attested=attested,
        recorded_by=actor,
    )
    certification.full_clean(exclude=["document"])
    if upload is not None:
        _attach(certification, upload)
    certification._history_user = actor  # type: ignore[attr-defined]  # django-simple-history
    try:
        _refuse_duplicate(certification)
        certification.save()
    except Exception:
        # The file is written before the row: a failed save leaves nothing behind.
        if certification.document.name:
            certification.document.storage.delete(certification.document.name)
        raise
    return certification
