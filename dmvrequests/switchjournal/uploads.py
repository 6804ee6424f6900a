"""Journal files uploaded by administrators, imported by a background job (docs/network-queries.md,
"Uploading a journal").

`upload_create` checks the file can be read as a journal at all (`sources.open_journal`: not
binary, UTF-8 text, a whole gzip stream's start) and that a CSV journal's header is the
contract's, before anything is stored; then it keeps the file in private storage, records the
job and queues `run_journal_upload` (run in-process, right after the commit, when Celery has no
broker: the development default). `upload_run` imports it with `services.journal_import`,
storing how many of the file's bytes were read as it goes, then the import's summary.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING
from uuid import UUID

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from dmvrequests.switchjournal.models import JournalUpload, UploadStatus
from dmvrequests.switchjournal.parsing import CSV_HEADER, BadJournal
from dmvrequests.switchjournal.services import journal_import
from dmvrequests.switchjournal.sources import UnreadableJournal, open_journal
from dmvrequests.tasking import task_named

if TYPE_CHECKING:
    from accounts.models import User

RUN_UPLOAD = "dmvrequests.switchjournal.upload_tasks.run_journal_upload"
PROGRESS_EVERY = 5000  # lines between two writes of the progress


class UploadRefused(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


def _path_of(upload: UploadedFile) -> str | None:
    temporary = getattr(upload, "temporary_file_path", None)
    return temporary() if temporary else None


def _check_header(stream: io.BufferedReader, name: str = "") -> None:
    """A CSV journal (first non-empty line starting `timestamp,`, or a file named `.csv` or
    `.csv.gz`) must carry the contract's header exactly; a text journal is checked entry by
    entry during the import."""
    head = stream.peek(8192)[:8192].decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    named_csv = name.lower().removesuffix(".gz").endswith(".csv")
    if (first.startswith("timestamp,") or named_csv) and first.replace(" ", "") != ",".join(
        CSV_HEADER
    ):
        raise UploadRefused(
            f"This CSV journal's first line is not the header {','.join(CSV_HEADER)}; "
            "export the journal again with that header."
        )


def upload_check(upload: UploadedFile) -> None:
    """Raise UploadRefused when `upload` cannot be read as a journal (nothing is stored)."""
    if not upload.size:
        raise UploadRefused("The file is empty; choose the journal file the switch exported.")
    path = _path_of(upload)
    try:
        if path is not None:
            stream = open_journal(path)
        else:
            upload.seek(0)
            data = upload.read()
            upload.seek(0)
            stream = _open_bytes(data)
    except UnreadableJournal as error:
        raise UploadRefused(
            f"The file cannot be read as a journal: {error} Upload the journal as the switch "
            "exported it, as plain text or gzip."
        ) from None
    with stream:
        _check_header(stream, upload.name or "")


def _open_bytes(data: bytes) -> io.BufferedReader:
    """open_journal over bytes in memory (a small upload Django kept in memory); a gzip
    stream is told by its first bytes."""
    return open_journal("-", stdin=io.BytesIO(data))


@transaction.atomic
def upload_create(*, upload: UploadedFile, actor: User) -> JournalUpload:
    """Check `upload`, store it and queue its import. Raises UploadRefused (nothing stored)."""
    upload_check(upload)
    job = JournalUpload(name=(upload.name or "journal")[:200], size=upload.size or 0)
    job.requested_by = actor
    job.file.save(f"{job.pk}.journal", upload, save=False)
    job.save()
    task_named(RUN_UPLOAD).delay_on_commit(str(job.pk))
    return job


def _counted(stream: IO[bytes], job_id: UUID | str) -> Iterator[bytes]:
    """The stream's lines; every PROGRESS_EVERY lines the stored file's read position is
    written on the job (the compressed position for a gzip file)."""
    descriptor = stream.fileno()
    for number, line in enumerate(stream, start=1):
        if number % PROGRESS_EVERY == 0:
            position = os.lseek(descriptor, 0, os.SEEK_CUR)
            JournalUpload.objects.filter(pk=job_id).update(bytes_read=position)
        yield line


def _claim(job_id: UUID | str) -> JournalUpload | None:
    with transaction.atomic():
        job = JournalUpload.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != UploadStatus.QUEUED:
            return None
        job.status = UploadStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _finish(job: JournalUpload, status: str, **fields: object) -> JournalUpload:
    for name, value in fields.items():
        setattr(job, name, value)
    job.status = status
    job.finished_at = timezone.now()
    job.bytes_read = job.size if status == UploadStatus.DONE else job.bytes_read
    job.save()
    return job


def upload_run(job_id: UUID | str) -> JournalUpload | None:
    """Import a queued upload; None when it is not queued (already run or running). Broken
    lines are in the summary with their numbers; a file that cannot be read at all fails the
    job with the reason (nothing of it imported)."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        stream = open_journal(job.file.path)
    except UnreadableJournal as error:
        return _finish(job, UploadStatus.FAILED, error=f"The file cannot be read: {error}")
    try:
        with stream:
            lines: Iterable[bytes] = _counted(stream, job.pk)
            summary = journal_import(lines, name=job.name)
    except BadJournal as error:
        return _finish(job, UploadStatus.FAILED, error=str(error))
    return _finish(job, UploadStatus.DONE, summary=summary.as_dict())
