"""Time to decision kept as a histogram: percentiles without reading every case.

Each decided case adds 1 to one bucket of its month's histogram (rollups.py). Buckets are
1 % wide on a logarithmic scale: bucket b >= MINUTE_BUCKET holds the times t (seconds) with
``floor(ln(t) / ln(1.01)) == b``, that is ``1.01**b <= t < 1.01**(b + 1)``; bucket 0 holds
everything under a minute (including a negative time: a decision dated before the request
was received, a data-entry error). A percentile is percentile_cont's definition (linear
interpolation between the two nearest ranks, PostgreSQL's `percentile_cont`) where each
rank's value is placed within its bucket, the bucket's cases spread evenly across it.

How exact: the true value of a rank lies in the same bucket as its estimate, so the error is
less than the bucket's width: under 1 % of the true time for anything of a minute or more
(a median of 4.3 days is within ±0.043 day), under 60 seconds below a minute. The
interpolated percentile is a weighted mean of two such estimates, so the same bound holds
for it (docs/reports.md).
"""

import math
from collections.abc import Iterable

RATIO = 1.01
_LOG_RATIO = math.log(RATIO)
MINUTE = 60.0
UNDER_A_MINUTE = 0
# The first bucket of a minute or more: floor(ln(60) / ln(1.01)).
MINUTE_BUCKET = math.floor(math.log(MINUTE) / _LOG_RATIO)


def bucket_of(seconds):
    """The bucket (int) of a time to decision in seconds (float): 0 under a minute."""
    if seconds < MINUTE:
        return UNDER_A_MINUTE
    return math.floor(math.log(seconds) / _LOG_RATIO)


def bounds(bucket):
    """(low, high) seconds of `bucket`: [0, 60) for bucket 0, else
    [max(60, 1.01**b), 1.01**(b + 1))."""
    if bucket == UNDER_A_MINUTE:
        return 0.0, MINUTE
    return max(MINUTE, RATIO**bucket), RATIO ** (bucket + 1)


def percentiles(counts, fractions):
    """{name: seconds or None} for each (name, fraction) of `fractions` (a dict), from
    `counts` ({bucket: cases}; zero and negative counts are ignored). None when no case
    is counted. See the module's docstring for the definition and the bound."""
    ordered = sorted((b, n) for b, n in counts.items() if n > 0)
    total = sum(n for _, n in ordered)
    found: dict[str, float | None] = {}
    for name, fraction in fractions.items():
        if total == 0:
            found[name] = None
            continue
        rank = fraction * (total - 1)
        low = math.floor(rank)
        below, above = _value_at(ordered, low), _value_at(ordered, min(low + 1, total - 1))
        found[name] = below + (above - below) * (rank - low)
    return found


def _value_at(ordered, rank):
    """The estimate of the value of 0-based `rank` in the sorted cases: within its
    bucket, the bucket's n cases at the midpoints of n equal slices of it."""
    seen = 0
    for bucket, n in ordered:
        if rank < seen + n:
            low, high = bounds(bucket)
            return low + (high - low) * (rank - seen + 0.5) / n
        seen += n
    raise ValueError(f"rank {rank} is beyond the {seen} cases counted")


def add_times(counts, seconds: Iterable[float], sign=1):
    """Add `sign` × 1 to the bucket of each time in `seconds` (in place); returns `counts`."""
    for value in seconds:
        bucket = bucket_of(value)
        counts[bucket] = counts.get(bucket, 0) + sign
    return counts
