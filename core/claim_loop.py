"""The claim loop every drain shares: what is due, claimed in batches and worked in turn.

The engine (events to match, runs to execute) and the outbox (messages to
send) drain alike (`drain_lanes`): a worker woken by a drain task claims a
batch of `BATCH` due rows of the first lane that has any (core.lanes:
interactive before bulk), works them (one at a time, or as a set: the
outbox sends a batch in a constant number of statements), and claims the next
batch, until nothing is due, the time budget is spent or the worker is asked
to stop (core.worker.time_to_leave). What it claimed but did not reach goes
back; what is left stays queued in the database, and the task wakes another
drain for it. Between bulk batches it serves every queue's interactive work,
so a backlog never delays a person.

A batch is claimed by `claim_batch`: on PostgreSQL a `SELECT … FOR UPDATE
SKIP LOCKED` then a conditional UPDATE of those rows, so two workers take
different batches; on SQLite (which ignores the lock clause) the same
conditional UPDATE inside one IMMEDIATE transaction, which no other writer
can enter. The items are then still claimed by their worker (the
conditional UPDATEs of ../shared/DJANGO-Q2.md: one per item, or one per
batch guarded by the lease), so a row released or taken over meanwhile is
never worked twice. A failed attempt waits
`retry_delay(attempts)`; an item claimed longer than `STUCK_AFTER` ago lost
its worker.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import QuerySet

from core import clock
from core.lanes import BULK, IN_ORDER, INTERACTIVE, serve_interactive
from core.queue import one_wake_up_per_task, send_held_wake_ups
from core.worker import time_to_leave

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")

DUE_BATCH = 500
# Rows a drain claims at a time: small enough that interactive work never waits
# behind more than one batch, large enough that claiming costs little per row.
BATCH = 100
# A bulk drain sends the wake-ups its work asked for (the outbox's, for the messages
# its runs queued) at least this often, so the next stage keeps up with it.
WAKE_EVERY = timedelta(seconds=5)
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


def claim_batch(due: QuerySet, order: Sequence[str], limit: int, **claim: Any) -> list[int]:
    """Claim up to `limit` rows of `due`, first by `order`, by setting `claim` on them;
    the ids that are now this caller's.

    `claim` includes `claimed_at` (this claim's time), which tells this claim's
    rows from another's should a row have changed between the two statements.
    """
    with transaction.atomic():
        ids = list(
            due.order_by(*order)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        claimed = due.filter(pk__in=ids).update(**claim)
        if claimed < len(ids):  # another worker was quicker for some (no row locks)
            ids = list(
                due.model.objects.filter(pk__in=ids, claimed_at=claim["claimed_at"]).values_list(
                    "pk", flat=True
                )
            )
    return ids


@dataclass(frozen=True)
class Lanes:
    """A table drained lane by lane: how to claim a batch, work it, give back the rest.

    A batch is worked item by item (`work`), or as a whole (`work_batch`: the
    items, the drain's start and budget → the outcomes of the items it reached,
    in order; it stops early when the budget is spent and has put back the rest).
    """

    name: str
    # (lane, limit) -> the claimed items, oldest first
    claim: Callable[[str, int], list[Any]]
    work: Callable[[Any], Any] | None = None
    release: Callable[[list[Any]], Any] = lambda items: None
    work_batch: Callable[[list[Any], datetime, timedelta], list[Any]] | None = None

    def work_claimed(self, claimed: list[Any], started: datetime, budget: timedelta) -> list:
        """Work a claimed batch, within the budget: the outcomes of the items reached."""
        if self.work_batch is not None:
            return self.work_batch(claimed, started, budget)
        return drain(claimed, self.work, started=started, budget=budget)


@dataclass
class Drained:
    """What a drain did: each worked item's outcome, and whether due work was left."""

    outcomes: list[Any] = field(default_factory=list)
    more: bool = False


def drain_lanes(
    queue: Lanes,
    *,
    lanes: Sequence[str] = IN_ORDER,
    started: datetime | None = None,
    budget: timedelta = TIME_BUDGET,
    serve_others: bool = True,
) -> Drained:
    """Claim and work `queue`'s due items batch by batch, interactive lane first.

    Before each batch the interactive lane is looked at again, and after a
    bulk batch every queue's interactive work is served (core.lanes), so a
    long bulk drain never delays it. The wake-ups the work asks for are sent
    after each interactive batch and every `WAKE_EVERY`, once per task.
    """
    started = started or clock.now()
    result = Drained()
    sent_at = clock.now()
    with one_wake_up_per_task():
        while not time_to_leave(started, budget):
            lane, claimed = _next_batch(queue, lanes)
            if not claimed:
                return result
            done = queue.work_claimed(claimed, started, budget)
            result.outcomes += done
            if len(done) < len(claimed):
                queue.release(claimed[len(done) :])
                result.more = True
                return result
            if lane == INTERACTIVE or clock.now() - sent_at >= WAKE_EVERY:
                send_held_wake_ups()
                sent_at = clock.now()
            if lane == BULK and serve_others:
                serve_interactive(started)
            result.more = len(claimed) == BATCH  # a full batch: more may be due
    return result


def _next_batch(queue: Lanes, lanes: Sequence[str]) -> tuple[str, list[Any]]:
    for lane in lanes:
        claimed = queue.claim(lane, BATCH)
        if claimed:
            return lane, claimed
    return "", []
