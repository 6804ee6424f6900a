"""Journal files uploaded by administrators, imported by a background job (docs/network-queries.md,
"Uploading a journal").

`upload_create` checks, before anything is stored (`upload_check`), that the file can be read
as a journal at all (`sources.open_journal`: not binary, UTF-8 text, a gzip stream's start; a
name ending .gz is gzip), that a CSV journal's header is the contract's, and that the file's
start holds an entry of the journal (a README or prose is not a journal); then it keeps the
file in private storage, records the job and queues `run_journal_upload` (run in-process,
right after the commit, when Celery has no broker: the development default). `upload_run`
imports it with `services.journal_import`, storing how many of the file's bytes were read as
it goes, then the import's summary, with where the file broke off if it did.
"""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from dmvrequests.switchjournal.models import JournalUpload, UploadStatus
from dmvrequests.switchjournal.parsing import (
    CSV_HEADER,
    BadJournal,
    LateRejection,
    Rejection,
    break_cause,
    read_journal,
)
from dmvrequests.switchjournal.services import ImportSummary, journal_import
from dmvrequests.switchjournal.sources import GZIP_MAGIC, UnreadableJournal, open_journal
from dmvrequests.tasking import task_named

if TYPE_CHECKING:
    from accounts.models import User

RUN_UPLOAD = "dmvrequests.switchjournal.upload_tasks.run_journal_upload"
PROGRESS_EVERY = 5000  # lines between two writes of the progress


class UploadRefused(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


SAMPLE = 64 * 1024  # bytes of a file's start (decompressed) that must hold a journal's entry
PIECE = 4096  # bytes read at a time from it: a gzip stream breaking off loses one piece at most
BREAKS = (OSError, EOFError, zlib.error)
WHAT_TO_SEND = (
    "Upload the journal as the switch exported it: the text journal, whose entries start "
    "with a line TIMESTAMP IN|OUT SEQUENCE and the Nlets header KEY.ORI.DESTINATION.TXT, "
    f"or its CSV, whose first line is the header {','.join(CSV_HEADER)}."
)


@dataclass
class Start:
    """A file's start as the check reads it: `data`, whole lines (decompressed); `whole`,
    True when it is the whole file; `broke`, what reading raised where the file broke off
    within it (a gzip file cut short), else None."""

    data: bytes
    whole: bool
    broke: BaseException | None = None


def _path_of(upload: UploadedFile) -> str | None:
    temporary = getattr(upload, "temporary_file_path", None)
    return temporary() if temporary else None


def _check_gzip_name(upload: UploadedFile, name: str) -> None:
    """A file named `.gz` must be gzip data (its first bytes, sources.GZIP_MAGIC): the command
    refuses it as "not a gzip file" (sources.open_journal); the upload says the same."""
    if not name.lower().endswith(".gz"):
        return
    upload.seek(0)
    magic = upload.read(len(GZIP_MAGIC))
    upload.seek(0)
    if magic != GZIP_MAGIC:
        raise UploadRefused(
            f"{name} is not a gzip file: its name ends .gz, but its content is not compressed. "
            "Upload the gzip file the switch exported, or the plain journal under its own "
            "name (without .gz)."
        )


def _check_header(head: bytes, name: str) -> None:
    """A CSV journal (first non-empty line starting `timestamp,`, or a file named `.csv` or
    `.csv.gz`) must carry the contract's header exactly (parsing.CSV_HEADER)."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    named_csv = name.lower().removesuffix(".gz").endswith(".csv")
    if (first.startswith("timestamp,") or named_csv) and first.replace(" ", "") != ",".join(
        CSV_HEADER
    ):
        raise UploadRefused(
            f"This CSV journal's first line is not the header {','.join(CSV_HEADER)}; "
            "export the journal again with that header."
        )


def _check_entries(start: Start, name: str) -> None:
    """At least one entry (or CSV row) of the file's start must have the journal's form:
    parsed as the import parses it (parsing.read_journal), a message, or an entry refused only
    for its date in the future (parsing.LateRejection: the switch's clock, reported line by
    line by the import). A few broken lines before it are the import's to reject with their
    numbers; a start with none (a README, prose, a CSV of something else) is not a journal."""
    try:
        items = list(read_journal(start.data.splitlines(keepends=True)))
    except BadJournal:  # a CSV header _check_header let through: the parser's own rule
        items = []
    if start.broke is not None:
        items = items[:-1]  # the entry the break may have cut is not imported (before_break)
    if any(not isinstance(item, Rejection) or isinstance(item, LateRejection) for item in items):
        return
    if start.broke is not None:
        raise UploadRefused(
            f"{name} breaks off before its first entry: {break_cause(start.broke)}. "
            "Send the whole file again, as the switch exported it."
        )
    where = "the file" if start.whole else f"the start of the file (its first {SAMPLE // 1024} KB)"
    first = next((item for item in items if isinstance(item, Rejection)), None)
    why = f" (the first problem, at line {first.line:,}: {first.reason})" if first else ""
    raise UploadRefused(
        f"{name} is not a journal of the switch: {where} holds no entry of the journal{why}. "
        + WHAT_TO_SEND
    )


def _read_start(stream: IO[bytes]) -> Start:
    """Up to SAMPLE bytes of the (decompressed) `stream`, cut after their last whole line
    unless they are the whole file; where the stream breaks off within them, what came before."""
    data = b""
    try:
        while len(data) < SAMPLE:
            piece = stream.read(min(PIECE, SAMPLE - len(data)))
            if not piece:
                return Start(data, whole=True)
            data += piece
    except BREAKS as error:
        return Start(data[: data.rfind(b"\n") + 1], whole=False, broke=error)
    return Start(data[: data.rfind(b"\n") + 1], whole=False)


def _start_of(upload: UploadedFile) -> Start:
    """The upload's start (_read_start), opened as the import opens it (sources.open_journal).
    Raises UploadRefused when it cannot be read as a journal at all."""
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
        raise UploadRefused(_unreadable(upload, error)) from None
    with stream:
        return _read_start(stream)


def _unreadable(upload: UploadedFile, error: UnreadableJournal) -> str:
    """Why `upload` cannot be read at all (sources.open_journal's `error`); for gzip data that
    breaks off within its start, what happened in the reader's words (break_cause)."""
    upload.seek(0)
    try:
        if upload.read(len(GZIP_MAGIC)) == GZIP_MAGIC:
            upload.seek(0)
            with gzip.GzipFile(fileobj=upload) as unpacked:  # the start only, as open_journal
                unpacked.read(SAMPLE)
    except BREAKS as broke:
        return (
            f"{upload.name} cannot be read as a journal: {break_cause(broke)}. Send the whole "
            "file again, as the switch exported it."
        )
    finally:
        upload.seek(0)
    return (
        f"The file cannot be read as a journal: {error} Upload the journal as the switch "
        "exported it, as plain text or gzip."
    )


def upload_check(upload: UploadedFile) -> None:
    """Raise UploadRefused when `upload` cannot be imported as a journal; nothing is stored.
    The rules, in order (docs/network-queries.md, "Uploading a journal"): not empty; a name
    ending .gz is gzip data; readable as a journal at all (sources.open_journal: not binary,
    UTF-8 text, a gzip stream's start); a CSV's first line is the contract's header; and one
    entry at least of its first SAMPLE bytes (decompressed) has the journal's form."""
    if not upload.size:
        raise UploadRefused("The file is empty; choose the journal file the switch exported.")
    name = upload.name or "journal"
    _check_gzip_name(upload, name)
    start = _start_of(upload)
    _check_header(start.data, name)
    _check_entries(start, name)


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
    return _finish(job, UploadStatus.DONE, summary=_kept(summary))


def _kept(summary: ImportSummary) -> dict[str, Any]:
    """The summary kept on the job: the command's fields (ImportSummary.as_dict) and, for a
    file that broke off, `broken_off` ({"line": N, "cause": "..."}), which the job's page and
    the list of uploads read (JournalUpload.broken_off)."""
    kept = summary.as_dict()
    if summary.broken_off is not None:
        kept["broken_off"] = summary.broken_off
    return kept
