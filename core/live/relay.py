"""The database relay: publishes from any process reach the sockets of every web
process when the channel layer is in-memory (`make run` alone, no Redis).

`write` stores a row in the caller's transaction. Each event loop holding sockets runs
one poller that reads rows committed since it started and hands them to its own
in-memory layer. Ids can commit out of order on PostgreSQL (a later id first), so an id
skipped by a poll is looked for again for GAP_SECONDS before it is given up.
"""

import asyncio
import logging
import time
from datetime import timedelta

from channels.db import database_sync_to_async
from django.db.models import Max, Q
from django.utils import timezone

from .models import RelayedMessage
from .publishing import MESSAGE_TYPE, group_name

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.2
KEEP_SECONDS = 60  # rows older than this are deleted
GAP_SECONDS = 5
MAX_GAPS = 1000
PRUNE_EVERY = 200  # rows written between two prunes by writers


def write(*, topic: str, payload: dict) -> None:
    """Store one publish for the pollers (part of the caller's transaction)."""
    row = RelayedMessage.objects.create(topic=topic, payload=payload, created_at=timezone.now())
    if row.pk % PRUNE_EVERY == 0:  # no web process may be polling: keep the table small
        prune()


def prune() -> int:
    """Delete rows old enough that no poller still needs them."""
    cutoff = timezone.now() - timedelta(seconds=KEEP_SECONDS)
    return RelayedMessage.objects.filter(created_at__lt=cutoff).delete()[0]


class Poller:
    """Reads new relay rows for one event loop's sockets and hands them to its layer."""

    def __init__(self, layer) -> None:
        self.layer = layer
        self.listeners = 0
        self.cursor = 0
        self.gaps: dict[int, float] = {}  # id not seen yet → when it was first missed
        self.task: asyncio.Task | None = None
        self.pruned_at = time.monotonic()

    def fetch(self) -> list[tuple[int, str, dict]]:
        wanted = Q(pk__gt=self.cursor)
        if self.gaps:
            wanted |= Q(pk__in=list(self.gaps))
        rows = list(
            RelayedMessage.objects.filter(wanted)
            .order_by("pk")
            .values_list("pk", "topic", "payload")[:500]
        )
        now = time.monotonic()
        for pk, _topic, _payload in rows:
            if self.gaps.pop(pk, None) is None and pk > self.cursor:
                if pk - self.cursor - 1 <= MAX_GAPS:
                    self.gaps.update(dict.fromkeys(range(self.cursor + 1, pk), now))
                self.cursor = pk
        self.gaps = {pk: at for pk, at in self.gaps.items() if now - at < GAP_SECONDS}
        if now - self.pruned_at > KEEP_SECONDS / 2:
            self.pruned_at = now
            prune()
        return rows

    async def start(self) -> None:
        latest = await database_sync_to_async(
            lambda: RelayedMessage.objects.aggregate(latest=Max("pk"))["latest"],
            thread_sensitive=False,
        )()
        self.cursor = latest or 0
        self.task = asyncio.ensure_future(self.run())

    async def run(self) -> None:
        fetch = database_sync_to_async(self.fetch, thread_sensitive=False)
        while True:
            try:
                rows = await fetch()
            except Exception:  # a locked or lost database delays messages, never ends polling
                logger.warning("Live relay: could not read new messages", exc_info=True)
                rows = []
            for _pk, topic, payload in rows:
                await self.layer.group_send(
                    group_name(topic), {"type": MESSAGE_TYPE, "topic": topic, "payload": payload}
                )
            await asyncio.sleep(POLL_SECONDS)


_pollers: dict[asyncio.AbstractEventLoop, Poller] = {}


async def listen(layer) -> None:
    """A socket opened on this loop: poll for it (returns once the poller has its start)."""
    loop = asyncio.get_running_loop()
    poller = _pollers.get(loop)
    if poller is None:
        poller = _pollers[loop] = Poller(layer)
        await poller.start()
    poller.listeners += 1


def leave() -> None:
    """A socket closed on this loop: the last one stops its poller."""
    loop = asyncio.get_running_loop()
    poller = _pollers.get(loop)
    if poller is None:
        return
    poller.listeners -= 1
    if poller.listeners <= 0:
        del _pollers[loop]
        if poller.task:
            poller.task.cancel()
