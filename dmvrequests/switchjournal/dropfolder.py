"""The drop folder: journal files the switch (or its administrator) leaves in
SWITCH_LOG_DROP_DIR are imported by a Celery beat task (docs/operations.md, "Switch journal
drop folder").

Each run takes the folder's files, oldest first, skipping hidden names (`.x`), names ending
`.part` or `.tmp` (a copy still under way) and files changed less than SETTLE_SECONDS ago. A
file is claimed by renaming it into `processing/` (a rename is atomic: two workers never take
the same file), imported exactly as `import_switch_log` would, then moved to `done/` or, when it
cannot be read at all, to `failed/`, with a report beside it (`NAME.report.json`: the import's
summary or the reason). A file whose content (SHA-256) was already imported from the folder is
not imported again: it goes to `done/` with a report saying so. A claim left in `processing/`
by a worker that died is taken again after STALE_SECONDS (re-importing is harmless: messages
already stored are duplicates).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dmvrequests.switchjournal.parsing import BadJournal
from dmvrequests.switchjournal.services import journal_import
from dmvrequests.switchjournal.sources import UnreadableJournal, open_journal

logger = logging.getLogger(__name__)
SETTLE_SECONDS = 30
STALE_SECONDS = 6 * 3600
SKIPPED_SUFFIXES = (".part", ".tmp", ".report.json")


@dataclass
class Outcome:
    """What became of one file: `done` or `failed`, where it went, its report."""

    name: str
    status: str
    path: Path
    report: dict[str, Any]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _already_imported(done: Path, sha256: str) -> str | None:
    """The report name in `done/` of a file with this content, or None."""
    for report in sorted(done.glob("*.report.json")):
        try:
            if json.loads(report.read_text()).get("sha256") == sha256:
                return report.name
        except (OSError, ValueError):
            continue
    return None


def _ready(path: Path, now: float) -> bool:
    if path.name.startswith(".") or path.name.endswith(SKIPPED_SUFFIXES):
        return False
    try:
        return path.is_file() and now - path.stat().st_mtime >= SETTLE_SECONDS
    except OSError:
        return False


def _folders(root: Path) -> tuple[Path, Path, Path]:
    folders = (root / "processing", root / "done", root / "failed")
    for folder in folders:
        folder.mkdir(exist_ok=True)
    return folders


def _retry_stale(root: Path, processing: Path, now: float) -> None:
    for claimed in processing.iterdir():
        if claimed.is_file() and now - claimed.stat().st_mtime >= STALE_SECONDS:
            logger.warning("Switch journal drop folder: retrying %s left by a worker", claimed)
            os.replace(claimed, root / claimed.name.split("-", 1)[-1])


def _finish(claimed: Path, folder: Path, report: dict[str, Any]) -> Path:
    target = folder / claimed.name
    os.replace(claimed, target)
    (folder / f"{claimed.name}.report.json").write_text(json.dumps(report, indent=2) + "\n")
    return target


def _import_one(claimed: Path, name: str, done: Path, failed: Path) -> Outcome:
    sha256 = _sha256(claimed)
    report: dict[str, Any] = {"file": name, "sha256": sha256}
    earlier = _already_imported(done, sha256)
    if earlier:
        report["skipped"] = f"the same content was already imported (see {earlier})"
        return Outcome(name, "done", _finish(claimed, done, report), report)
    try:
        with open_journal(str(claimed)) as lines:
            summary = journal_import(lines, name=name)
    except (UnreadableJournal, BadJournal) as error:
        report["error"] = f"{name}: {error}"
        return Outcome(name, "failed", _finish(claimed, failed, report), report)
    report.update(summary.as_dict())
    report["file"] = name
    return Outcome(name, "done", _finish(claimed, done, report), report)


def drop_folder_import(root: Path, now: float | None = None) -> list[Outcome]:
    """Import the files waiting in `root` (see the module's doc); what became of each."""
    now = time.time() if now is None else now
    processing, done, failed = _folders(root)
    _retry_stale(root, processing, now)
    waiting = sorted(
        (path for path in root.iterdir() if _ready(path, now)), key=lambda p: p.stat().st_mtime
    )
    outcomes = []
    for path in waiting:
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%dT%H%M%SZ")
        claimed = processing / f"{stamp}-{path.name}"
        try:
            os.rename(path, claimed)  # atomic: a file another worker took is gone
        except FileNotFoundError:
            continue
        os.utime(claimed, (now, now))
        try:
            outcome = _import_one(claimed, path.name, done, failed)
        except Exception as error:  # noqa: BLE001 - any failure: the file goes to failed/
            logger.exception("Switch journal drop folder: %s failed", path.name)
            report = {"file": path.name, "error": f"{path.name}: the import failed ({error})"}
            outcome = Outcome(path.name, "failed", _finish(claimed, failed, report), report)
        outcomes.append(outcome)
    return outcomes
