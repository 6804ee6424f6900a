"""Reads of export jobs that depend on who is asking."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from dmvrequests.reports.models import ExportJob

if TYPE_CHECKING:
    from accounts.models import User


def export_jobs_visible_to(user: User) -> QuerySet[ExportJob]:
    """Administrators share the export duty: each sees every administrator's jobs."""
    if not user.is_administrator:
        return ExportJob.objects.none()
    return ExportJob.objects.select_related("requested_by")


def export_job_get_for(user: User, job_id: UUID) -> ExportJob:
    """The job, if `user` may see it: its requester or another administrator; else 404."""
    try:
        return export_jobs_visible_to(user).get(pk=job_id)
    except (ExportJob.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such export") from None
