"""Rate limits counted in the database, and the client address they count.

The database is the one store every web process and machine already
shares, so a limit holds across them with nothing else installed.
(django-ratelimit needs an atomic-increment cache — Redis or memcached —
which the embedded set-up does not have.)
"""

import ipaddress
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest

from core import clock

from .models import RateLimitHit

KEEP_FOR = timedelta(days=1)


def allow(*, key: str, limit: int, window: timedelta) -> bool:
    """Count this hit; True while `key` has had at most `limit` hits in `window`."""
    return allow_each(limits={key: limit}, window=window)


def allow_each(*, limits: Mapping[str, int], window: timedelta) -> bool:
    """Count one hit on every key while each is within its limit in `window`.

    Refused hits are taken back, so a flood that is turned away does not
    prolong the lock-out; hits are written before counting, so two requests at
    once cannot both squeeze past the last free place.
    """
    now = clock.now()
    RateLimitHit.objects.filter(key__in=limits, created_at__lt=now - max(window, KEEP_FOR)).delete()
    hits = RateLimitHit.objects.bulk_create(
        [RateLimitHit(key=key, created_at=now) for key in limits]
    )
    counts = dict(
        RateLimitHit.objects.filter(key__in=limits, created_at__gt=now - window)
        .values_list("key")
        .annotate(n=Count("id"))
    )
    if all(counts.get(key, 0) <= limit for key, limit in limits.items()):
        return True
    RateLimitHit.objects.filter(pk__in=[hit.pk for hit in hits]).delete()
    return False


def client_address(request: HttpRequest) -> str:
    """The address of the client, as far as the configured proxies vouch for it.

    Without TRUSTED_PROXY_HEADER it is the peer (REMOTE_ADDR): a forwarded
    header a client sends itself is never believed. With it, each of the
    TRUSTED_PROXY_COUNT proxies appends the address it saw, so the client is
    that many entries from the right; entries further left came from the
    client and are ignored. A request without the header (it did not come
    through the proxy) or with an unreadable entry falls back to the peer.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    header = settings.TRUSTED_PROXY_HEADER
    if not header:
        return peer
    raw = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
    if not entries:
        return peer
    candidate = entries[max(0, len(entries) - max(1, settings.TRUSTED_PROXY_COUNT))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer
