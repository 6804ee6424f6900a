"""A moment in the words every page, email and admin screen gives it: the state's time zone
(TIME_ZONE) and its abbreviation, so that a reader never has to guess whether a time is UTC.
Used by the block list, the Network queries section and its alerts, and the administration
site's history (admin_widgets.HistoryAdmin). The format is the product's DATETIME_FORMAT
(dmvrequests/formats/en/formats.py), the one Django uses for a time with no format of its own;
it applies with no language active too (a task, a command: tested)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def moment_words(moment: datetime) -> str:
    """An aware datetime as the product writes one with its zone, in the state's time zone
    (TIME_ZONE): "Mar 15, 2026 00:00 EDT". In the hour the clocks repeat when daylight time
    ends, Django's "T" writes nothing (it will not guess which of the two hours a time is);
    an aware time knows (its `fold`), so its own abbreviation is written: "Nov 1, 2026 01:30
    EST" is an hour after "Nov 1, 2026 01:30 EDT"."""
    local = timezone.localtime(moment)
    text = date_format(local, "DATETIME_FORMAT")
    if text.endswith(" "):
        text += str(local.tzname())
    return text
