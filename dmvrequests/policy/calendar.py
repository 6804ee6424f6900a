"""Calendar arithmetic for legal deadlines: calendar days and US business days.

Business days skip Saturdays, Sundays and US federal holidays (the `holidays`
package's federal calendar, observed dates included). Pure: no clock.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _federal_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("US", years=[year], observed=True).keys())


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (start itself is day 0)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def add_calendar_days(start: date, days: int) -> date:
    return start + timedelta(days=days)
