"""The state switch's journal: every Nlets message the switch logged, with its attribution and
flags (docs/network-queries.md). Rows are written only by `services` (import, attribution);
people never edit them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from dmvrequests.switchjournal.parsing import BREAK_PREFIX

UNKNOWN_KIND = "unknown"


class Direction(models.TextChoices):
    IN = "IN", "Query (from Nlets)"
    OUT = "OUT", "Response (to Nlets)"


class JournalEntry(models.Model):
    """One message. Queries (`IN`) carry the flags; responses (`OUT`) carry the match to their
    query and whether they carried data and leaked through a block. `agency` is the agency of
    the query's sender, or of the response's destination; `agency_kind` is `unknown` when the
    ORI matches no agency. On PostgreSQL the table is partitioned by month of `timestamp`."""

    id = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    sequence = models.BigIntegerField()
    message_key = models.CharField(max_length=8)
    sender_ori = models.CharField("sender ORI", max_length=9)
    destination = models.CharField(max_length=9)
    control = models.CharField("control field", max_length=40, blank=True)
    text = models.TextField()
    # No index of its own: the entries of one agency are read over a period, through the
    # time (docs/network-queries.md, "Scale": each index weighed against its readers).
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    agency_kind = models.CharField(max_length=32, default=UNKNOWN_KIND)
    image = models.BooleanField(default=False)
    name_only = models.BooleanField(default=False)
    partial_plate = models.BooleanField(default=False)
    blocked = models.BooleanField(default=False)
    answered = models.BooleanField(default=False)
    carries_data = models.BooleanField(default=False)
    block_leak = models.BooleanField(default=False)
    match_pending = models.BooleanField(default=False)
    query_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "journal entry"
        verbose_name_plural = "journal entries"
        constraints = [
            models.UniqueConstraint(
                fields=["timestamp", "direction", "sequence", "sender_ori"],
                name="journal_entry_once",
            )
        ]
        # Every index slows the import (each row is written into each): these are the ones
        # the readers need. A period's messages are read through the unique key (it starts
        # with the timestamp); one ORI's through its party column: the sender of queries, the
        # destination of responses (matching, bursts, attribution, the entries of an ORI).
        # Each ORI index holds only its direction's rows (the other direction's sender or
        # destination is the state's own ORI, which no reader looks up): half the entries
        # each, and a quarter less of PostgreSQL's time per imported row (migration 0009).
        # A reader must name the direction for PostgreSQL to use them.
        indexes = [
            models.Index(
                fields=["sender_ori", "timestamp"],
                condition=models.Q(direction="IN"),
                name="journal_query_sender_idx",
            ),
            models.Index(
                fields=["destination", "timestamp"],
                condition=models.Q(direction="OUT"),
                name="journal_response_dest_idx",
            ),
            # The responses the import has still to match (few: those of the last file).
            models.Index(
                fields=["timestamp"],
                condition=models.Q(match_pending=True),
                name="journal_pending_idx",
            ),
            # The block leaks (few; the section's first figure reads them over the period).
            models.Index(
                fields=["timestamp"],
                condition=models.Q(block_leak=True),
                name="journal_leak_idx",
            ),
        ]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.direction} {self.sequence}"


class Burst(models.Model):
    """A bulk pattern: at least SWITCH_BURST_MIN_QUERIES queries from one ORI within
    SWITCH_BURST_WINDOW_MINUTES of the first (docs/network-queries.md, "Bursts")."""

    ori = models.CharField("ORI", max_length=9)
    start = models.DateTimeField()
    end = models.DateTimeField()
    queries = models.PositiveIntegerField()

    class Meta:
        ordering = ["start", "ori"]
        constraints = [models.UniqueConstraint(fields=["ori", "start"], name="burst_once")]
        indexes = [models.Index(fields=["start"], name="burst_start_idx")]

    def __str__(self):
        return f"{self.ori} {self.start:%Y-%m-%d %H:%M} ({self.queries})"


class DailyCount(models.Model):
    """The journal's daily rollup: the messages of one local day (TIME_ZONE), one direction,
    one party ORI (a query's sender, a response's destination) and one message key, with the
    party's agency and kind and how many carried each flag. Kept by the import in the same
    transaction as the messages, by attribution and retention; `rebuild_switch_log_rollups`
    builds it again from the journal. The figures (selectors.py) read only this table."""

    day = models.DateField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    ori = models.CharField("ORI", max_length=9)
    message_key = models.CharField(max_length=8)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    agency_kind = models.CharField(max_length=32, default=UNKNOWN_KIND)
    messages = models.PositiveIntegerField(default=0)
    image = models.PositiveIntegerField(default=0)
    name_only = models.PositiveIntegerField(default=0)
    partial_plate = models.PositiveIntegerField(default=0)
    blocked = models.PositiveIntegerField(default=0)
    block_leaks = models.PositiveIntegerField(default=0)
    carries_data = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "daily journal count"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "direction", "ori", "message_key"], name="daily_count_once"
            )
        ]
        indexes = [models.Index(fields=["ori", "direction"], name="daily_count_ori_idx")]

    def __str__(self):
        return f"{self.day} {self.direction} {self.ori} {self.message_key}: {self.messages}"


class MonthlyCount(models.Model):
    """The journal's monthly rollup: the daily rollup's rows summed by local month (`month`,
    its first day), direction, party ORI and message key, with the first and last days of
    the month that have any. Kept with the daily rollup in the same transaction (rollups.py);
    a period's whole months are read from it, the days at its edges from the daily rollup,
    so a year reads a bounded number of rows whatever the journal's size."""

    month = models.DateField()
    direction = models.CharField(max_length=3, choices=Direction.choices)
    ori = models.CharField("ORI", max_length=9)
    message_key = models.CharField(max_length=8)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    agency_kind = models.CharField(max_length=32, default=UNKNOWN_KIND)
    messages = models.PositiveIntegerField(default=0)
    image = models.PositiveIntegerField(default=0)
    name_only = models.PositiveIntegerField(default=0)
    partial_plate = models.PositiveIntegerField(default=0)
    blocked = models.PositiveIntegerField(default=0)
    block_leaks = models.PositiveIntegerField(default=0)
    carries_data = models.PositiveIntegerField(default=0)
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        verbose_name = "monthly journal count"
        constraints = [
            models.UniqueConstraint(
                fields=["month", "direction", "ori", "message_key"], name="monthly_count_once"
            )
        ]
        indexes = [models.Index(fields=["ori", "direction"], name="monthly_count_ori_idx")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.direction} {self.ori} {self.message_key}: {self.messages}"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Could not be imported"


def upload_file_path(instance: JournalUpload, filename: str) -> str:
    # Never a name from the request: the upload's own id, in private storage.
    return f"switch-journals/{instance.requested_at:%Y/%m}/{instance.pk}.journal"


class JournalUpload(models.Model):
    """A journal file an administrator uploaded, imported by a background job: its progress
    (`bytes_read` of `size`, the stored file's bytes, compressed or not) and, once done, the
    import's summary (`ImportSummary.as_dict()`: entries, imported, duplicates,
    rejected_count, rejected; and `broken_off`, `{"line": N, "cause": "..."}`, for a file
    that broke off part-way)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField("file name", max_length=200)
    file = models.FileField(upload_to=upload_file_path, max_length=200)
    size = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (UploadStatus.DONE, UploadStatus.FAILED)

    @property
    def broken_off(self) -> dict[str, Any] | None:
        """Where the imported file broke off, `{"line": N, "cause": "..."}`, None for a whole
        file or a job not done. Read from the import's summary (services.ImportSummary
        .broken_off, kept by uploads.upload_run; for a summary kept before that, the rejected
        line whose reason says the file breaks off), not a status of its own: the job is
        `done` for every poller of status.json (what could be read is imported), and no
        migration."""
        if self.status != UploadStatus.DONE:
            return None
        found = self.summary.get("broken_off")
        if isinstance(found, dict):
            return found
        for rejected in self.summary.get("rejected") or []:
            reason = str(rejected.get("reason", ""))
            if reason.startswith(BREAK_PREFIX):
                cause = reason.removeprefix(BREAK_PREFIX).split(". The entries before", 1)[0]
                return {"line": rejected.get("line"), "cause": cause}
        return None

    @property
    def status_label(self) -> str:
        """The status in words: "Imported in part" for a file that broke off, "Nothing
        imported" for a file read to its end (or to its break) that gave no new message, else
        the status's own words ("Waiting to start", "Importing", "Imported", "Could not be
        imported")."""
        if self.status == UploadStatus.DONE and not self.summary.get("imported"):
            return "Nothing imported"
        return "Imported in part" if self.broken_off else self.get_status_display()

    @property
    def progress_text(self) -> str:
        """The progress bar's label: "Importing: 45 % of the file read" until the import ends,
        then the outcome ("Imported in part: the import has ended"). The job's page shows it,
        and its script (static/js/job-progress.js) keeps it current from status.json."""
        if self.finished:
            return f"{self.status_label}: the import has ended"
        if self.status == UploadStatus.RUNNING and self.size and self.bytes_read >= self.size:
            # The whole file read: what is left is the last batch, the responses' matching,
            # the bursts and the figures, which can take a while on a large file.
            return "Importing: the whole file read; storing the last messages and counting"
        return f"{self.status_label}: {self.percent} % of the file read"

    @property
    def outcome(self) -> str:
        """The status in short, as the list of uploads gives it: "Imported: 1,234 new
        messages", "Imported in part: 1,234 new messages; the file broke off", "Nothing
        imported" (and "; the file broke off"), or the status in words until it is done."""
        if self.status != UploadStatus.DONE:
            return self.get_status_display()
        imported = int(self.summary.get("imported") or 0)
        broke = "; the file broke off" if self.broken_off else ""
        if not imported:
            return f"{self.status_label}{broke}"
        plural = "" if imported == 1 else "s"
        return f"{self.status_label}: {imported:,} new message{plural}{broke}"

    @property
    def percent(self) -> int:
        """How much of the file was read, 0 to 100 (100 once done)."""
        if self.status == UploadStatus.DONE:
            return 100
        if not self.size:
            return 0
        return min(99, self.bytes_read * 100 // self.size)


class JournalGeneration(models.Model):
    """One row (pk 1): a token that changes, in the writer's transaction, whenever a figure of
    the Network queries section may change (an import's batch, matching, bursts, attribution,
    a block or an agency changed, retention, a rollup rebuilt). The section's computed figures
    are cached under it (figurecache.py), so that a change makes every cached figure stale at
    once, in every process. A random token rather than a counter: a rolled-back transaction
    cannot bring back a token a cache still holds figures under."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Journal generation {self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"
