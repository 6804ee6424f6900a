"""A moment in the words every page, email and admin screen gives it: the state's time zone
(TIME_ZONE) and its abbreviation, so that a reader never has to guess whether a time is UTC.
Used by the block list and the Network queries section (agencies.blocklist re-exports it) and
by the administration site's history (admin_widgets.HistoryAdmin)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def moment_words(moment: datetime) -> str:
    """An aware datetime as the product writes one with its zone, in the state's time zone
    (TIME_ZONE): "Mar 15, 2026 00:00 EDT"."""
    local = timezone.localtime(moment)
    return f"{local:%b} {local.day}, {local:%Y %H:%M %Z}"  # the day unpadded, on every platform
