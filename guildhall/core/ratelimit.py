"""Counting requests per key in Django's cache (Redis in production, so every app server
shares the counts; without Redis, a cache in files that every process of the machine
shares)."""
from __future__ import annotations

import hashlib
import time
from typing import Any

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


def person_over_limit(request: Any, scope: str, *, per_person: int, per_address: int,
                      window: int) -> bool:
    """Count one request of the signed-in person in `scope`, by their account and by the
    client address, and return whether either is over its limit in this window."""
    from guildhall.core.middleware import client_ip

    over = [exceeded(f"{scope}-person", str(request.user.pk), limit=per_person, window=window),
            exceeded(f"{scope}-ip", client_ip(request), limit=per_address, window=window)]
    return any(over)
