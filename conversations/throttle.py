"""Rate limits for the widget, counted in Django's cache (CACHE_URL).

The widget polls and posts far more often than a customer submits a form, so
its counters live in the cache rather than in the database (core.ratelimit):
a fixed window per key, incremented atomically (`add` then `incr`, atomic in
locmem, Redis and memcached). With the default local-memory cache each web
process counts on its own; configure Redis (CACHE_URL) to share the count.
"""

from dataclasses import dataclass

from django.core.cache import cache

from core import clock


@dataclass(frozen=True)
class Limit:
    name: str  # e.g. "send"
    per_contact: int
    per_address: int
    seconds: int


SESSION = Limit("session", per_contact=30, per_address=120, seconds=60)
SEND = Limit("send", per_contact=20, per_address=200, seconds=60)
READ = Limit("read", per_contact=120, per_address=1200, seconds=60)


def _hit(key: str, seconds: int) -> int:
    window = int(clock.now().timestamp()) // seconds
    full = f"chat-rate:{key}:{window}"
    if cache.add(full, 1, timeout=seconds + 1):
        return 1
    try:
        return cache.incr(full)
    except ValueError:  # expired between add and incr
        cache.add(full, 1, timeout=seconds + 1)
        return 1


def allowed(limit: Limit, *, address: str, contact_id: int | None = None) -> bool:
    """Count this request; False once the contact or the address is over the limit."""
    ok = _hit(f"{limit.name}:addr:{address}", limit.seconds) <= limit.per_address
    if contact_id is not None:
        ok = _hit(f"{limit.name}:contact:{contact_id}", limit.seconds) <= limit.per_contact and ok
    return ok
