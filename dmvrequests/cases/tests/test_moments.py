"""The `moment` filter (audit/templatetags/moments.py) writes what Django's `date` does."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone

FORMATS = (
    "c",
    "M j, Y H:i:s T",
    "M j, Y H:i T",
    "DATETIME_FORMAT",
    "M j, Y H:i:s",
    "M j, Y H:i",
    "M j, Y",
    "N j, Y, P",
)
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _moments():
    start = datetime.datetime(2025, 1, 1, 0, 0, tzinfo=datetime.UTC)
    # Every month, both changes of daylight saving time, whole seconds and microseconds.
    for hours in range(0, 24 * 800, 37):
        yield start + datetime.timedelta(hours=hours, seconds=hours % 61, microseconds=hours % 7)
    yield datetime.datetime(2026, 3, 8, 7, 0, 0, tzinfo=datetime.UTC)
    yield datetime.datetime(2026, 11, 1, 5, 59, 59, 999999, tzinfo=datetime.UTC)
    yield datetime.datetime(2026, 11, 1, 6, 30, tzinfo=datetime.UTC)  # 01:30 again, standard time
    yield datetime.datetime(999, 12, 31, 23, 0, tzinfo=NEW_YORK)


def _render(source, value):
    return Template("{% load moments %}" + source).render(Context({"value": value}))


@pytest.mark.parametrize("fmt", FORMATS)
def test_moment_writes_what_date_writes(fmt, settings):
    settings.TIME_ZONE = "America/New_York"
    values = [*_moments(), None, ""]
    if fmt in ("c", "M j, Y"):  # Django refuses a time's letters for a date (TypeError)
        values += [datetime.date(2026, 2, 3), timezone.now().date()]
    ours = "|".join(_render(f'{{{{ value|moment:"{fmt}" }}}}', v) for v in values)
    django = "|".join(_render(f'{{{{ value|date:"{fmt}" }}}}', v) for v in values)
    assert ours == django
    assert ours.count("|") == len(values) - 1 and len(ours) > 3 * len(values)


def test_moment_is_given_the_local_time(settings):
    settings.TIME_ZONE = "America/New_York"
    noon_utc = datetime.datetime(2026, 7, 1, 12, 0, tzinfo=datetime.UTC)
    assert _render('{{ value|moment:"M j, Y H:i" }}', noon_utc) == "Jul 1, 2026 08:00"
    assert _render("{{ value|moment:'c' }}", noon_utc) == "2026-07-01T08:00:00-04:00"


def test_moment_writes_the_zone_of_the_local_time(settings):
    settings.TIME_ZONE = "America/New_York"
    noon_utc = datetime.datetime(2026, 7, 1, 12, 0, 5, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 12, 3, 17, 21, tzinfo=datetime.UTC)
    assert _render('{{ value|moment:"DATETIME_FORMAT" }}', noon_utc) == "Jul 1, 2026 08:00 EDT"
    assert _render('{{ value|moment:"DATETIME_FORMAT" }}', winter) == "Dec 3, 2026 12:21 EST"
    assert _render('{{ value|moment:"M j, Y H:i:s T" }}', noon_utc) == "Jul 1, 2026 08:00:05 EDT"
