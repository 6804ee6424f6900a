"""Celery tasks of the switch journal: the drop folder's beat task."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from dmvrequests.switchjournal.dropfolder import drop_folder_import

DROP_LOCK = "switchjournal:drop_folder"
DROP_TIME_LIMIT = 3300  # below the broker's visibility timeout (3600 s)


@shared_task(soft_time_limit=DROP_TIME_LIMIT - 60, time_limit=DROP_TIME_LIMIT)
def switch_log_drop_folder() -> list[dict[str, str]]:
    """Import the journal files waiting in SWITCH_LOG_DROP_DIR (nothing when it is not set):
    one run at a time (a cache lock), each file once. Returns [{"file", "status"}]."""
    folder = settings.SWITCH_LOG_DROP_DIR
    if not folder:
        return []
    if not cache.add(DROP_LOCK, "1", timeout=DROP_TIME_LIMIT):
        return []
    try:
        outcomes = drop_folder_import(Path(folder))
    finally:
        cache.delete(DROP_LOCK)
    return [{"file": o.name, "status": o.status} for o in outcomes]
