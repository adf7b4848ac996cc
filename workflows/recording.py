"""Writing trigger events, for the services (through core.handover) and the sweeps.

A service's `record_and_announce` calls `record_trigger_events` inside its
transaction, so an event commits or rolls back with its change; a sweep
calls `record_found` or `record_selected` with what it found due. Either
way the kind's own key and data builders (workflows.triggers) make the row,
a batch is one INSERT, and a fact already recorded (same kind and key) is
skipped by the database's unique constraint, not by a read first. The
engine is woken once per transaction to match what is new.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import DateTimeField, Expression, F, JSONField, QuerySet, Value
from django.db.models.functions import JSONObject
from django.dispatch import Signal

from accounts.models import Account
from core import clock
from core.bulk import insert_rows, insert_selected
from core.causes import Cause, CauseKind
from core.queue import wake_on_commit

from .engine import PENDING_TASK
from .models import Run, TriggerEvent
from .triggers import BY_SIGNAL, TriggerKind


def record_trigger_events(signal: Signal, announcements: Sequence[dict[str, Any]]) -> None:
    """The handover's recorder: one trigger event per announcement of a trigger's signal."""
    trigger = BY_SIGNAL.get(signal)
    if trigger is None:
        return
    depths: dict[int | None, int] = {}  # by the causing run
    now = clock.now()
    events = []
    for announcement, data in zip(announcements, trigger.data_of(announcements), strict=True):
        cause = announcement["cause"]
        if cause.run_id not in depths:
            depths[cause.run_id] = _depth(cause)
        events.append(
            {
                "kind": trigger.key,
                "account": announcement["account_id"],
                "event_key": trigger.event_key(announcement),
                "data": data,
                "depth": depths[cause.run_id],
                "created_at": now,
                **cause.as_fields(),
            }
        )
    _insert(events)


def _depth(cause: Cause) -> int:
    """How many runs led here: a run's event depth + 1, 0 for people, inputs and sweeps."""
    if cause.kind != CauseKind.WORKFLOW or not cause.run_id:
        return 0
    if cause.run_depth is not None:  # the engine says, for the run it is executing
        return cause.run_depth + 1
    parent = Run.objects.filter(pk=cause.run_id).values_list("event__depth", flat=True).first()
    return (parent or 0) + 1


def record_found(kind: TriggerKind, found: Iterable[tuple[int, Any]], *, reason: str) -> int:
    """A sweep's events: one per (account id, fact) found, keyed and built by `kind`.

    One statement for everything due (executemany), whatever the number of
    accounts. Returns how many were new.
    """
    cause = Cause.by_system(reason).as_fields()
    now = clock.now()
    rows = (
        {
            "kind": kind.key,
            "account": account_id,
            "event_key": kind.event_key(fact),
            "data": kind.data(fact),
            "created_at": now,
        }
        | cause
        for account_id, fact in found
    )
    return _insert(rows)


def record_selected(
    kind: TriggerKind,
    due: QuerySet[Account],
    *,
    key: Expression,
    data: Mapping[str, Expression],
    reason: str,
) -> int:
    """A sweep's events for every `due` account in one INSERT … SELECT; how many were new.

    `key` and `data` are the kind's builders' SQL over the account row, so
    however many accounts are due, nothing is read into Python.
    """
    cause = Cause.by_system(reason)
    new = insert_selected(
        TriggerEvent,
        due,
        {
            "kind": Value(kind.key),
            "account": F("pk"),
            "event_key": key,
            "data": JSONObject(**data) if data else Value({}, output_field=JSONField()),
            "created_at": Value(clock.now(), output_field=DateTimeField()),
            **{
                name: Value(value, output_field=TriggerEvent._meta.get_field(name))
                for name, value in cause.as_fields().items()
                if value is not None  # the rest are NULL
            },
        },
    )
    if new:
        wake_on_commit(PENDING_TASK)
    return new


def _insert(events: Iterable[dict[str, Any]]) -> int:
    """Insert trigger events, skipping facts already recorded; wake the engine if any is new."""
    # A fact reported again hits trigger_event_once and is skipped, not an error.
    new = insert_rows(TriggerEvent, events, skip_conflicts=True)
    if new:
        wake_on_commit(PENDING_TASK)
    return new
