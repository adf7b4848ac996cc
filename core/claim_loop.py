"""The claim loop every drain shares: what is due, claimed and worked one at a time.

The engine (events to match, runs to execute) and the outbox (messages to
send) drain alike. Each selects what is due, oldest first and `DUE_BATCH` at
most, and claims each item itself (a conditional UPDATE: an item another
worker took is simply not ours). This loop works through them until the time
budget is spent or the worker is asked to stop (core.worker.time_to_leave):
what is left stays queued in the database for the next task or the
reconciler. A failed attempt waits `retry_delay(attempts)`; an item claimed
longer than `STUCK_AFTER` ago lost its worker.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TypeVar

from core import clock
from core.worker import time_to_leave

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

DUE_BATCH = 500
# One drain's work, kept well below django-q2's task timeout.
TIME_BUDGET = timedelta(seconds=30)
# Longer than any transport's timeout or step: still claimed after this, its worker died.
STUCK_AFTER = timedelta(minutes=10)
# Waits before attempt 2, 3, …: a short outage costs a minute, a long one hours.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
BACKOFF_CAP = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt before the next one."""
    return BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else BACKOFF_CAP


def drain(
    due: Iterable[Item],
    claim_and_work: Callable[[Item], Outcome],
    *,
    started: datetime | None = None,
    budget: timedelta = TIME_BUDGET,
) -> list[Outcome]:
    """`claim_and_work(item)` for each due item in turn, while there is time; the outcomes.

    Stops before an item once `budget` since `started` (default: now) is
    spent or the worker is stopping, so the item in hand is always finished.
    Pass one `started` to several drains to give them one budget together.
    """
    started = started or clock.now()
    outcomes = []
    for item in due:
        if time_to_leave(started, budget):
            break
        outcomes.append(claim_and_work(item))
    return outcomes
