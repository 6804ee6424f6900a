"""`{{ when|moment:"M j, Y H:i" }}`: Django's `date` filter, without its formatter's cost.

The timeline and the queues print two or three times per row (a `<time datetime="…">`
and its words): about 750 times on a case page with a 200-event timeline, where Django's
`DateFormat` (a method looked up and called for each letter of the format) took more
time than any query. These filters give the same text as `date` for the formats the
pages use, built directly; any other format, or a value that is not a date or time, goes
to Django's `date` filter itself. Like `date`, they receive the value in the current
time zone (`expects_localtime`). Month names are English (settings.USE_I18N is off), the
words `date`'s "M" gives. The product's named format "DATETIME_FORMAT" ("M j, Y H:i T",
dmvrequests/formats/en/formats.py) is read from its one source, then written the same way; the
zone's abbreviation ("T") is the value's own, and where Django writes none (a naive time, or a
local time that happens twice or never when the clocks change) Django's filter writes it.
`cases/tests/test_moments.py` compares both over many dates.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.formats import get_format

register = template.Library()

MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(value: datetime.date) -> str:
    return f"{MONTHS[value.month]} {value.day}, {value.year:04d}"


def _minute(value: datetime.datetime) -> str:
    return f"{_day(value)} {value.hour:02d}:{value.minute:02d}"


def _second(value: datetime.datetime) -> str:
    return f"{_minute(value)}:{value.second:02d}"


def _zone(value: datetime.datetime) -> str | None:
    """The abbreviation Django's "T" gives ("EST"), or None where it goes by rules of its own:
    a naive time, or one the clocks' change makes ambiguous or imaginary."""
    zone = value.tzinfo
    if zone is None or zone.utcoffset(value.replace(fold=not value.fold)) != zone.utcoffset(value):
        return None
    return str(zone.tzname(value))


def _zoned(write: Any) -> Any:
    def zoned(value: datetime.datetime) -> str | None:
        zone = _zone(value)
        return None if zone is None else f"{write(value)} {zone}"

    return zoned


# {format: (the type the value must be, how to write it)}: what the pages use. A writer that
# returns None leaves the value to Django's filter.
WRITERS: dict[str, tuple[type, Any]] = {
    "c": (datetime.datetime, datetime.datetime.isoformat),
    "M j, Y H:i:s T": (datetime.datetime, _zoned(_second)),
    "M j, Y H:i T": (datetime.datetime, _zoned(_minute)),
    "M j, Y H:i:s": (datetime.datetime, _second),
    "M j, Y H:i": (datetime.datetime, _minute),
    "M j, Y": (datetime.date, _day),
}


@register.filter(expects_localtime=True, is_safe=False)
def moment(value: Any, arg: str | None = None) -> str:
    """`value|date:arg`, the same text."""
    if arg == "DATETIME_FORMAT":
        arg = get_format(arg)
    writer = WRITERS.get(arg) if arg else None
    if writer is not None and isinstance(value, writer[0]):
        text = writer[1](value)
        if text is not None:
            return str(text)
    return str(django_date(value, arg))
