"""Export jobs: asked for in a request, written by a worker, expired by the beat.

A job is logged in the audit trail when it is asked for (in the same
transaction that creates it) and each time its file is downloaded. The task
takes the job's id and may run twice (a redelivered message, a retry): it
claims the job under a row lock and starts over from nothing, so a second run
never produces a second file or a half-written one.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from dmvrequests.reports import exports
from dmvrequests.reports.auditing import export_cases_log, export_log
from dmvrequests.reports.filters import ReportFilters
from dmvrequests.reports.models import ExportJob, ExportStatus
from dmvrequests.tasking import task_named

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

logger = logging.getLogger(__name__)

DEFAULT_ASYNC_THRESHOLD = 20_000
DEFAULT_EXPIRY_DAYS = 7
# The task that writes an export file (tasks.py; queued by name, see dmvrequests/tasking.py).
RUN_EXPORT_JOB = "dmvrequests.reports.tasks.run_export_job"
# Progress is saved every this many rows: often enough for the bar to move,
# rarely enough that the writes cost nothing next to the export.
PROGRESS_EVERY = 1000


def async_threshold() -> int:
    return getattr(settings, "EXPORT_ASYNC_THRESHOLD", DEFAULT_ASYNC_THRESHOLD)


def expiry_days() -> int:
    return getattr(settings, "EXPORT_EXPIRY_DAYS", DEFAULT_EXPIRY_DAYS)


def _save(job, actor, reason=None):
    job._history_user = actor
    if reason:
        job._change_reason = reason
    job.full_clean()
    job.save()
    return job


def export_audit_detail(
    *,
    dataset: str,
    fmt: str,
    filters: Mapping[str, Any],
    include_identifiers: bool,
    reason: str = "",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "export": dataset,
        "format": fmt,
        "filters": filters,
        "include_identifiers": include_identifiers,
        "reason": reason,
        **extra,
    }


@transaction.atomic
def export_job_create(
    *,
    actor: User,
    request: HttpRequest | None,
    dataset: str,
    fmt: str,
    filters: ReportFilters,
    include_identifiers: bool,
    reason: str,
    rows_total: int,
) -> ExportJob:
    """Log the request, record the job, and queue it once both are committed."""
    job = ExportJob(
        dataset=dataset,
        format=fmt,
        filters=filters.as_detail(),
        include_identifiers=include_identifiers,
        reason=reason,
        rows_total=rows_total,
        requested_by=actor,
    )
    export_log(
        actor=actor,
        request=request,
        detail=export_audit_detail(
            dataset=dataset,
            fmt=fmt,
            filters=filters.as_detail(),
            include_identifiers=include_identifiers,
            reason=reason,
            rows=rows_total,
            job=str(job.pk),
            delivery="background job",
        ),
    )
    _save(job, actor, "Export requested")
    # With REDIS_URL unset the task runs eagerly, right here after the commit:
    # the job is then done by the time the user sees its page.
    task_named(RUN_EXPORT_JOB).delay_on_commit(str(job.pk))
    return job


def _stale(job, now):
    """A running job whose worker died: older than Celery's hard time limit."""
    limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800)
    return job.started_at is None or job.started_at < now - timedelta(seconds=limit)


@transaction.atomic
def _claim(job_id, task_id=""):
    job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
    now = timezone.now()
    if job is None or job.status in (ExportStatus.DONE, ExportStatus.EXPIRED):
        return None
    redelivered = bool(task_id) and job.task_id == task_id
    if job.status == ExportStatus.RUNNING and not redelivered and not _stale(job, now):
        return None
    job.status, job.started_at, job.rows_done, job.error = ExportStatus.RUNNING, now, 0, ""
    job.task_id = task_id
    return _save(job, job.requested_by, "Export started")


def export_job_run(*, job_id: object, task_id: str = "") -> ExportJob | None:
    """Write the job's file; returns the job, or None if there was nothing to do.
    `task_id`: the Celery task's id, so that its redelivery after a crash resumes the job."""
    job = _claim(job_id, task_id)
    if job is None:
        return None
    try:
        return _write(job)
    except Exception:
        # Record the failure on the job (the page shows it) rather than raise:
        # with eager Celery a raise would surface as an error page of the request.
        logger.exception("Export job %s failed", job.pk)
        return _fail(job)


def _counted(job, rows):
    """Pass rows through, counting them in job.rows_done, saved every PROGRESS_EVERY rows
    for the progress bar. Progress ticks are not changes anyone audits: no history row."""
    job.rows_done = 0
    for row in rows:
        yield row
        job.rows_done += 1
        if job.rows_done % PROGRESS_EVERY == 0:
            job.save_without_historical_record(update_fields=["rows_done"])


def _write(job):
    filters = ReportFilters.from_detail(job.filters)
    log_cases = None
    if job.include_identifiers:
        # One `export` record per case, for the administrator who asked, written chunk by
        # chunk before the chunk's rows reach the file (docs/audit.md, "Exports").
        def log_cases(keys):
            export_cases_log(
                user=job.requested_by,
                cases=keys,
                detail={"export": job.dataset, "job": str(job.pk), "delivery": "background job"},
            )

    rows = exports.export_rows(job.dataset, filters, job.include_identifiers, log_cases)
    with tempfile.TemporaryFile() as scratch:
        exports.write_export(
            scratch,
            job.format,
            job.dataset,
            filters,
            job.include_identifiers,
            rows=_counted(job, rows),
        )
        scratch.seek(0)
        _discard_file(job)
        job.file.save(job.download_name, File(scratch), save=False)
    now = timezone.now()
    job.status, job.finished_at = ExportStatus.DONE, now
    job.rows_total = job.rows_done
    job.expires_at = now + timedelta(days=expiry_days())
    return _save(job, job.requested_by, "Export written")


def _fail(job):
    job.refresh_from_db()
    _discard_file(job)
    job.status, job.finished_at = ExportStatus.FAILED, timezone.now()
    job.expires_at = job.finished_at + timedelta(days=expiry_days())
    job.error = (
        f"The export stopped with an error after {job.rows_done:,} rows. Ask for it again; "
        "if it fails again, tell the system administrator (the error is in the worker's log)."
    )
    return _save(job, job.requested_by, "Export failed")


def _discard_file(job):
    if job.file:
        job.file.storage.delete(job.file.name)
        job.file = ""


def export_jobs_expire(*, now: datetime | None = None) -> int:
    """Delete the files of jobs past their expiry; returns how many jobs expired."""
    now = now or timezone.now()
    due = ExportJob.objects.filter(
        status__in=(ExportStatus.DONE, ExportStatus.FAILED), expires_at__lte=now
    )
    expired = 0
    for job in due.iterator():
        _discard_file(job)
        job.status = ExportStatus.EXPIRED
        _save(job, None, "Export expired; its file was deleted")
        expired += 1
    return expired


def export_download_log(*, job: ExportJob, actor: User, request: HttpRequest | None) -> None:
    export_log(
        actor=actor,
        request=request,
        detail=export_audit_detail(
            dataset=job.dataset,
            fmt=job.format,
            filters=job.filters,
            include_identifiers=job.include_identifiers,
            reason=job.reason,
            rows=job.rows_total,
            job=str(job.pk),
            delivery="download of a background job's file",
        ),
    )
