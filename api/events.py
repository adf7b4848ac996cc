"""Ingesting events from the SaaS product: each one checked, applied once, explained.

One path for every event: a batch (a single event is a batch of one) is cut
into runs of consecutive events of one type, and each run goes to its type's
batch service (api.batches), which answers every item on its own: a bad
item is refused with its reason and never blocks the good ones. The
sender's event ids are recorded with the changes in one transaction,
unique per sender, so a resent event is acknowledged and changes nothing.
"""

import random
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, transaction
from pydantic import TypeAdapter
from pydantic import ValidationError as SchemaError

from accounts.models import Account
from accounts.services import lock_accounts_named
from core.causes import Cause
from core.queue import one_wake_up_per_task

from . import schemas
from .batches import BATCHES
from .batching import Item, Outcome
from .inbound import IdReused, already_received, record_received
from .models import ApiToken

EVENT = TypeAdapter(schemas.Event)
# Whose event ids these are: the SaaS product's, whichever of its tokens sent
# them, so replaying a backlog with a rotated token applies nothing twice.
# (Stripe's ids are Stripe's: api.stripe records them as "stripe".)
SENDER = "product"
# A deadlock, a serialization failure or an id recorded meanwhile by another
# batch aborts the whole batch: it is run again from the start, this many
# times at most.
ATTEMPTS = 4
# SQLSTATEs for "your transaction lost a race; run it again": deadlock_detected,
# serialization_failure (psycopg's `sqlstate`; SQLite waits instead, and has none).
RETRYABLE = {"40P01", "40001"}

# An item as read: its id as sent, the event (None if the schema refused it)
# and the schema's reason.
Parsed = tuple[str | None, Any, str]


class Contended(Exception):
    """A batch whose transaction concurrent writers aborted ATTEMPTS times."""


def ingest(
    *,
    token: ApiToken,
    items: list[Any],
    sender: str = SENDER,
    parse: Callable[[list[Any]], list[Parsed]] | None = None,
) -> schemas.BatchResult:
    """Apply each item once; one result per item, in order.

    `parse` reads the raw items into events (default: the events API's
    schemas, item by item); api.segment reads Segment's calls into the same
    events, with Segment's messageIds as the ids of `sender`.

    Raises Contended if concurrent writers kept aborting the batch's
    transaction (it wrote nothing then; the client should retry).
    """
    parsed = parse(items) if parse is not None else [_parse(raw) for raw in items]
    for attempt in range(1, ATTEMPTS + 1):
        try:
            results = BatchInProgress(token, parsed, sender=sender).apply()
            break
        except (OperationalError, IdReused) as error:
            if isinstance(error, OperationalError) and not _lost_a_race(error):
                raise
            if attempt == ATTEMPTS:
                raise Contended(f"Aborted {ATTEMPTS} times by concurrent writers.") from error
            # The other transaction goes on once ours is rolled back: a short,
            # jittered pause lets it finish instead of meeting it again at once.
            time.sleep(random.uniform(0.02, 0.1) * attempt)
    count = {s: sum(r.status == s for r in results) for s in ("accepted", "duplicate", "rejected")}
    return schemas.BatchResult(
        accepted=count["accepted"],
        duplicates=count["duplicate"],
        rejected=count["rejected"],
        results=results,
    )


def _parse(raw: Any) -> Parsed:
    raw_id = raw.get("id") if isinstance(raw, dict) else None
    try:
        return raw_id, EVENT.validate_python(raw), ""
    except SchemaError as error:
        return (str(raw_id) if raw_id is not None else None), None, _explain(error)


def _lost_a_race(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in RETRYABLE


class BatchInProgress:
    """One attempt at a whole batch, in one transaction.

    Duplicates are told apart here, the same way for every type: an id the
    sender sent before, or accepted earlier in this batch, is a duplicate
    (an id refused earlier is free for a corrected copy). A run never holds
    one id twice, so whether the second is a duplicate is known when it is
    reached.
    """

    def __init__(self, token: ApiToken, parsed: list[Parsed], *, sender: str = SENDER) -> None:
        self.token = token
        self.sender = sender
        self.parsed = parsed
        self.results: list[schemas.ItemResult | None] = [None] * len(parsed)
        self.applied: list[tuple[str, str, Account]] = []
        self.run: list[tuple[int, Any]] = []
        self.run_ids: set[str] = set()
        self.accounts: dict[str, Account] = {}  # locked, by external id
        self.taken: set[str] = set()  # ids sent before or accepted in this batch

    def apply(self) -> list[schemas.ItemResult]:
        """Apply every item; raises IdReused (nothing written) if an id was taken meanwhile."""
        valid = [(n, event) for n, (_, event, _) in enumerate(self.parsed) if event is not None]
        # One transaction for the batch: one commit, and the engine is woken
        # once for everything the batch triggered.
        with transaction.atomic(), one_wake_up_per_task():
            # Every account the batch names is locked first, in id order:
            # each service's own locks are then already held, so two batches
            # queue up on their first shared account whatever order their items
            # come in, and the second reads the first's ids below, committed.
            # Only the ids are read: every service re-reads its account under
            # the lock anyway. Names no account has yet are locked too, for the
            # sign-ups among them.
            self.accounts = lock_accounts_named(
                {event.account for _, event in valid}, only=("pk", "external_id")
            )
            self.taken = already_received(self.sender, {event.id for _, event in valid})
            for position, event in valid:
                self._take(position, event)
            self._finish_run()
            # An id another batch (naming other accounts) recorded since the
            # read above fails here, and the batch is run again.
            record_received(sender=self.sender, token=self.token, applied=self.applied)
        for position, (raw_id, event, error) in enumerate(self.parsed):
            if event is None:
                self.results[position] = _answer(raw_id, Outcome(refusal=error))
        return self.results

    def _take(self, position: int, event: Any) -> None:
        if self.run and (_run_of(event) != _run_of(self.run[0][1]) or event.id in self.run_ids):
            self._finish_run()
        if event.id in self.taken:
            self.results[position] = schemas.ItemResult(id=event.id, status="duplicate")
        else:
            self.run.append((position, event))
            self.run_ids.add(event.id)

    def _finish_run(self) -> None:
        """Apply the run so far, type by type in registry order (see `_run_of`)."""
        run, self.run, self.run_ids = self.run, [], set()
        by_kind: dict[str, list[tuple[int, Any]]] = {}
        for position, event in run:
            by_kind.setdefault(event.type, []).append((position, event))
        for kind in [kind for kind in BATCHES if kind in by_kind]:
            of_kind = by_kind[kind]
            items = [Item(event=event, cause=self._cause(event)) for _, event in of_kind]
            outcomes = BATCHES[kind](self.accounts).apply(items)
            for (position, event), outcome in zip(of_kind, outcomes, strict=True):
                self.results[position] = _answer(event.id, outcome)
                if outcome.refusal is None:
                    self.taken.add(event.id)
                    self.applied.append((event.id, event.type, outcome.account))

    def _cause(self, event: Any) -> Cause:
        return Cause.by_api(f"event {event.id} ({event.type}) from {self.token.name}")


def _run_of(event: Any) -> str:
    """Which run an event may join: its type's, or one for all order-free types."""
    return "order-free" if BATCHES[event.type].order_free else event.type


def _answer(event_id: str | None, outcome: Outcome) -> schemas.ItemResult:
    if outcome.refusal is not None:
        return schemas.ItemResult(id=event_id, status="rejected", error=outcome.refusal)
    return schemas.ItemResult(id=event_id, status="accepted")


def _explain(error: SchemaError) -> str:
    parts = []
    for problem in error.errors()[:5]:
        where = ".".join(str(part) for part in problem["loc"]) or "event"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)
