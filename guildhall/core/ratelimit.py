"""Counting requests per key in Django's cache (Redis in production, so every app server
shares the counts; the in-process cache of a single server otherwise)."""
from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


def exceeded(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one request of `key` in `scope` and return whether it is over `limit`
    requests in the current window of `window` seconds (a fixed window)."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # no address or e-mail in the cache
    name = f"ratelimit:{scope}:{digest}:{bucket}"
    cache.add(name, 0, timeout=window)
    try:
        count = cache.incr(name)
    except ValueError:  # the window ended between add() and incr()
        cache.add(name, 1, timeout=window)
        count = 1
    return count > limit
