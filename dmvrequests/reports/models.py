import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dmvrequests.reports.counters import COUNTERS
from dmvrequests.reports.formats import DATASET_CHOICES, FORMAT_CHOICES


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


def export_file_path(instance, filename):
    # Never a name from the request: the job's own id, in private storage.
    return f"exports/{timezone.now():%Y/%m}/{instance.pk}.{instance.format}"


class ExportJob(models.Model):
    """A large export written by a background worker, downloadable until it expires."""

    # A random id: the download URL reveals nothing and cannot be guessed in sequence.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.CharField(max_length=16, choices=DATASET_CHOICES)
    format = models.CharField(max_length=8, choices=FORMAT_CHOICES)
    filters = models.JSONField(help_text="The report filters, as ReportFilters.as_detail().")
    include_identifiers = models.BooleanField(default=False)
    reason = models.TextField(blank=True, help_text="Why subject identifiers were needed.")
    status = models.CharField(
        max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_file_path, blank=True, max_length=200)
    error = models.TextField(blank=True)
    # The Celery task running the job: a redelivery of the same task (its worker died)
    # may take the job over; any other task leaves a running job alone.
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "expires_at"], name="exportjob_expiry_idx")]

    def __str__(self):
        return f"{self.get_dataset_display()} export ({self.get_format_display()})"

    @property
    def percent(self):
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_done / self.rows_total))

    @property
    def progress_text(self) -> str:
        """ "1,234 of 23,093 rows written (5%).": the job page's line, kept current by its
        script (static/js/job-progress.js) from the status JSON."""
        return f"{self.rows_done:,} of {self.rows_total:,} rows written ({self.percent}%)."

    @property
    def finished(self):
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)

    @property
    def downloadable(self):
        return (
            self.status == ExportStatus.DONE
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    @property
    def download_name(self):
        detail = self.filters
        return (
            f"{self.dataset}-{detail['date_from']}-to-{detail['date_to']}"
            f"{'-with-identifiers' if self.include_identifiers else ''}.{self.format}"
        )


# Rollups (reports/rollups.py) ---------------------------------------------------------
#
# The dashboard and the transparency report read counts kept per day of receipt, office
# and agency, and per month (by office and for the whole state), updated in the same
# transaction as every change to a case, its decisions, documents or releases.
# `rebuild_rollups` computes them again from scratch.


class _Counters(models.Model):
    """One integer column per counter (counters.COUNTERS): the daily and monthly rollups'
    counters."""

    for _name in COUNTERS:
        locals()[_name] = models.IntegerField(default=0)
    del _name
    if TYPE_CHECKING:
        requests: int  # one of the counters made in the loop above

    class Meta:
        abstract = True


class DailyRollup(_Counters):
    """The requests received on `day` (the state's date) at `office` from agencies of
    `agency_kind`, counted every way the reports count them: one integer column per
    counter (counters.COUNTERS: requests, decided, produced, outcome_*, channel_*,
    offered_*, offered_nothing, released_*, primary_*, produced_primary_*, notice_*)."""

    day = models.DateField()
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    agency_kind = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "office", "agency_kind"], name="rollup_day_office_kind_uniq"
            )
        ]

    def __str__(self):
        return f"{self.day} office {self.office_id} {self.agency_kind}: {self.requests}"


class DailyAgencyRollup(models.Model):
    """The requests received on `day` at `office` from `agency`: the dashboard's table
    by agency (the agency's kind is read from the directory)."""

    day = models.DateField()
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    requests = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "office", "agency"], name="rollup_day_office_agency_uniq"
            )
        ]

    def __str__(self):
        return f"{self.day} office {self.office_id} agency {self.agency_id}: {self.requests}"


class MonthlyRollup(_Counters):
    """DailyRollup's counters for a whole month (`month`: its first day) at `office` from
    agencies of `agency_kind`: the dashboard of one office reads a month in one row a kind."""

    month = models.DateField()
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    agency_kind = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "agency_kind"], name="rollup_month_office_kind_uniq"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} office {self.office_id} {self.agency_kind}: {self.requests}"


class StateMonthlyRollup(_Counters):
    """The same for every office together: the unfiltered dashboard and the transparency
    report read a month in one row a kind, however many offices there are."""

    month = models.DateField()
    agency_kind = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "agency_kind"], name="rollup_month_kind_uniq")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.agency_kind}: {self.requests}"


class MonthlyAgencyRollup(models.Model):
    """The requests received in `month` (its first day) at `office` from `agency`."""

    month = models.DateField()
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    requests = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "agency"], name="rollup_month_office_agency_uniq"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} office {self.office_id} agency {self.agency_id}"


class StateMonthlyAgencyRollup(models.Model):
    """The requests received in `month` from `agency`, every office together."""

    month = models.DateField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    requests = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "agency"], name="rollup_month_agency_uniq")
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} agency {self.agency_id}: {self.requests}"


# Time to decision as a histogram (reports/decisiontimes.py): each decided case adds 1 to
# its bucket, under its agency's kind and under EVERY_KIND ("": every kind together, what
# the dashboard reads when no kind is chosen).
EVERY_KIND = ""


class DecisionTimeBucket(models.Model):
    """The cases received in `month` at `office` from agencies of `agency_kind` (or
    EVERY_KIND) decided in a time that falls in `bucket` (decisiontimes.bucket_of)."""

    month = models.DateField()
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    agency_kind = models.CharField(max_length=40, blank=True)
    bucket = models.IntegerField()
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "office", "agency_kind", "bucket"],
                name="decision_bucket_office_uniq",
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} office {self.office_id} bucket {self.bucket}: {self.cases}"


class StateDecisionTimeBucket(models.Model):
    """The same for every office together."""

    month = models.DateField()
    agency_kind = models.CharField(max_length=40, blank=True)
    bucket = models.IntegerField()
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency_kind", "bucket"], name="decision_bucket_state_uniq"
            )
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} bucket {self.bucket}: {self.cases}"


class CaseRollupState(models.Model):
    """What one case contributes to the rollups now: its DailyRollup key and the
    counters it adds 1 to, so that a change can take the old contribution away
    before adding the new one. Also each decided case's time to decision (seconds,
    received → decided): its histogram bucket, and the days at a period's edges that the
    monthly histograms do not cover."""

    case = models.OneToOneField(
        "cases.DisclosureRequest", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    day = models.DateField()
    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    # The agency's kind when the contribution was counted: what to take away from.
    agency_kind = models.CharField(max_length=40)
    counters = models.JSONField(default=list)
    decision_seconds = models.FloatField(null=True)

    class Meta:
        indexes = [
            # The percentiles read (day, seconds) for a period's edge days, filtered by
            # office and agency: on PostgreSQL an index-only scan.
            models.Index(
                fields=["day"],
                include=["decision_seconds", "office", "agency_kind"],
                name="rollup_state_day_idx",
            )
        ]

    def __str__(self):
        return f"case {self.case_id}: {self.day}"
