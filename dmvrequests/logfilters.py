"""Filters of the product's log (settings.LOGGING)."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refused request (403: a role that may not open the page) is logged by Django as
    "Forbidden (Permission denied): /network/" with the PermissionDenied's traceback: one
    screenful per refusal, which buries real errors. The line is kept (who was refused what is
    worth watching; the audit log records the refusal itself), the traceback dropped. Every
    other record, a server error's traceback included, passes unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
