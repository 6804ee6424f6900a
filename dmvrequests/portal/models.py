"""What the portal keeps of a case beside the case itself: the messages between the agency's
officer and the DMV's staff, and the released records delivered to the agency as files.

Neither is an internal note: everything here is written to or by the agency, and the officer
sees all of it. Staff's own notes (callbacks, document checks, counsel's rationale) stay on the
case and never reach a portal page (docs/portal.md, "Messages").
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from dmvrequests.validators import single_line

MESSAGE_MAX_LENGTH = 5000


class MessageDirection(models.TextChoices):
    FROM_AGENCY = "from_agency", "From the agency"
    TO_AGENCY = "to_agency", "From the DMV"


class PortalMessage(models.Model):
    """One message on a case, written by the agency's officer or by staff. Never edited."""

    case = models.ForeignKey(
        "cases.DisclosureRequest", on_delete=models.PROTECT, related_name="portal_messages"
    )
    direction = models.CharField(max_length=12, choices=MessageDirection.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=200, validators=[single_line])
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["case", "sent_at"], name="portalmessage_case_idx")]

    def __str__(self):
        return f"{self.get_direction_display()} on {self.case_id}"

    @property
    def from_agency(self) -> bool:
        return self.direction == MessageDirection.FROM_AGENCY


def release_file_path(instance, filename):
    # Never the uploaded name: it is user input and may collide or traverse.
    return f"release-files/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ReleaseFile(models.Model):
    """A file of released records that staff deliver to the agency through the portal. The
    officer downloads it through a signed link that expires (PORTAL_DOWNLOAD_LINK_DAYS)."""

    case = models.ForeignKey(
        "cases.DisclosureRequest", on_delete=models.PROTECT, related_name="release_files"
    )
    file = models.FileField(upload_to=release_file_path)
    original_filename = models.CharField(max_length=255, validators=[single_line])
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    description = models.CharField(max_length=200, blank=True, validators=[single_line])
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.original_filename} for {self.case_id}"
