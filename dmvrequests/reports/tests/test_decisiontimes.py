"""Percentiles from the histogram of time to decision against the exact percentile_cont."""

import math
import random
from datetime import date, timedelta

import pytest

from dmvrequests.reports import decisiontimes
from dmvrequests.reports.filters import PeriodParts

DAY = 86400.0


def percentile_cont(values, fraction):
    """PostgreSQL's definition, written out: interpolate between the nearest ranks."""
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def bound(exact):
    """The stated bound (decisiontimes' docstring, docs/reports.md): 1 % of the time, or
    60 seconds under a minute."""
    return max(0.01 * abs(exact), 60.0 if exact < 60 else 0.0) + 1e-6


def samples():
    draw = random.Random(18)
    yield "one case", [4.3 * DAY]
    yield "two cases", [3 * 3600.0, 9 * DAY]
    yield "ties", [2 * DAY] * 50 + [5 * DAY] * 7
    yield "within a minute", [draw.uniform(0, 59) for _ in range(40)]
    yield "a decision dated before receipt", [-300.0, 10.0, 2 * DAY, 3 * DAY]
    yield "uniform up to 60 days", [draw.uniform(0, 60 * DAY) for _ in range(2000)]
    yield "log-normal", [draw.lognormvariate(math.log(4 * DAY), 1.2) for _ in range(3000)]
    yield "same day or months", [draw.choice([draw.uniform(60, 3600), draw.uniform(90, 200) * DAY])
                                 for _ in range(501)]  # fmt: skip
    yield "on bucket edges", [decisiontimes.RATIO**b for b in range(420, 1500, 7)]


class TestPercentiles:
    @pytest.mark.parametrize(("name", "values"), list(samples()))
    def test_they_agree_with_percentile_cont_within_the_bound(self, name, values):
        counts = decisiontimes.add_times({}, values)
        fractions = {"median": 0.5, "p90": 0.9, "p10": 0.1, "min": 0.0, "max": 1.0}
        found = decisiontimes.percentiles(counts, fractions)
        # A negative time (a decision dated before receipt) counts as under a minute.
        clamped = [max(value, 0.0) for value in values]
        for key, fraction in fractions.items():
            exact = percentile_cont(clamped, fraction)
            assert abs(found[key] - exact) <= bound(exact), (name, key, found[key], exact)

    def test_a_median_of_4_3_days_is_within_0_05_day(self):
        values = [4.3 * DAY + k for k in range(-3, 4)]
        found = decisiontimes.percentiles(decisiontimes.add_times({}, values), {"m": 0.5})
        assert abs(found["m"] / DAY - 4.3) < 0.05

    def test_taking_times_away_undoes_adding_them(self):
        counts = decisiontimes.add_times({}, [DAY, 2 * DAY, 3 * DAY])
        decisiontimes.add_times(counts, [2 * DAY, 3 * DAY], sign=-1)
        alone = decisiontimes.add_times({}, [DAY])
        assert decisiontimes.percentiles(counts, {"m": 0.5}) == decisiontimes.percentiles(
            alone, {"m": 0.5}
        )

    def test_no_case_gives_none(self):
        assert decisiontimes.percentiles({}, {"m": 0.5}) == {"m": None}
        assert decisiontimes.percentiles({500: 0}, {"m": 0.5}) == {"m": None}

    def test_every_time_falls_within_its_bucket(self):
        for seconds in [-5.0, 0.0, 59.99, 60.0, 61.0, 3600.0, 4.3 * DAY, 3650 * DAY]:
            low, high = decisiontimes.bounds(decisiontimes.bucket_of(seconds))
            assert low <= max(seconds, 0.0) < high
            assert high - low <= max(0.01 * seconds, 60.0) + 1e-9


def days(first, last):
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def covered(parts):
    """The days PeriodParts reads: its whole months, plus added, less taken days."""
    found = set()
    if parts.months is not None:
        month = parts.months[0]
        while month <= parts.months[1]:
            following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
            found |= days(month, following - timedelta(days=1))
            month = following
    for first, last in parts.added:
        assert not found & days(first, last)  # never counted twice
        found |= days(first, last)
    for first, last in parts.taken:
        assert days(first, last) <= found  # only ever taken from a month read whole
        found -= days(first, last)
    return found


class TestPeriodParts:
    def test_every_period_is_read_exactly(self):
        draw = random.Random(7)
        for _ in range(400):
            start = date(2020, 1, 1) + timedelta(days=draw.randrange(0, 1500))
            end = start + timedelta(days=draw.randrange(0, 500))
            today = start + timedelta(days=draw.randrange(-40, 600))
            assert covered(PeriodParts.of(start, end, today)) == days(start, end)

    def test_the_default_year_reads_the_running_month_whole_less_the_days_to_come(self):
        today = date(2026, 11, 20)
        parts = PeriodParts.of(date(2025, 12, 1), today, today)
        assert parts.months == (date(2025, 12, 1), date(2026, 11, 1))
        assert parts.added == ()
        assert parts.taken == ((date(2026, 11, 21), date(2026, 11, 30)),)

    def test_a_few_days_of_a_past_month_are_read_as_days(self):
        parts = PeriodParts.of(date(2026, 3, 30), date(2026, 5, 2), date(2026, 11, 20))
        assert parts.months == (date(2026, 4, 1), date(2026, 4, 1))
        assert parts.added == (
            (date(2026, 3, 30), date(2026, 3, 31)),
            (date(2026, 5, 1), date(2026, 5, 2)),
        )
        assert parts.taken == ()
