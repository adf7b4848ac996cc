"""Rate limits counted in the database.

The database is the one store every web process and machine already
shares, so a limit holds across them with nothing else installed.
(django-ratelimit needs an atomic-increment cache — Redis or memcached —
which the embedded set-up does not have.)
"""

from datetime import timedelta

from core import clock

from .models import RateLimitHit

KEEP_FOR = timedelta(days=1)


def allow(*, key: str, limit: int, window: timedelta) -> bool:
    """Count this hit; True while `key` has had at most `limit` hits in `window`."""
    now = clock.now()
    RateLimitHit.objects.filter(key=key, created_at__lt=now - max(window, KEEP_FOR)).delete()
    RateLimitHit.objects.create(key=key, created_at=now)
    return RateLimitHit.objects.filter(key=key, created_at__gt=now - window).count() <= limit
