"""A small rate limit for the public forms, counted in the database.

The database is the one store every web process already shares, so the
limit holds across processes and machines with nothing else installed.
(django-ratelimit needs an atomic-increment cache — Redis or memcached —
which the embedded set-up does not have.)
"""

from datetime import timedelta

from core import clock

from .models import SubmissionAttempt

KEEP_FOR = timedelta(days=1)


def allow(*, key: str, limit: int, window: timedelta) -> bool:
    """Count this attempt; True while `key` made at most `limit` attempts in `window`."""
    now = clock.now()
    SubmissionAttempt.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    SubmissionAttempt.objects.create(key=key, created_at=now)
    recent = SubmissionAttempt.objects.filter(key=key, created_at__gt=now - window).count()
    return recent <= limit
