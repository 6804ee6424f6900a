"""Requests per token per minute (docs/api.md, "Limits").

A fixed one-minute window counted in Django's cache, which is Redis when REDIS_URL is set
(shared by every web process) and the process's memory otherwise. `API_RATE_LIMIT_PER_MINUTE`
(default 120) sets the number.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def limit_per_minute() -> int:
    return int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 120))


def rate_limit_hit(token_id: int, *, now: float | None = None) -> int | None:
    """Count one request of token `token_id`. Returns None when it is within the limit, else
    the seconds to wait until the window ends (1 to 60: the Retry-After header)."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"api-rate:{token_id}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first request
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count <= limit_per_minute():
        return None
    return max(1, int((window + 1) * WINDOW_SECONDS - now))
