"""Writing trigger events: the engine's listener on core.events.

Domain services announce changes (`core.events.send_on_commit`, or
`send_many_on_commit` for a batch); this recorder turns each announcement
into a TriggerEvent inside the same transaction, so an event commits or rolls
back with its change. A batch is one INSERT, and a fact already recorded
(same kind and key) is skipped by the database's unique constraint, not by a
read first. The engine is woken once per transaction to match what is new.
"""

from collections.abc import Sequence
from typing import Any

from django.dispatch import Signal

from core import clock
from core.bulk import insert_rows
from core.causes import Cause, CauseKind
from core.queue import enqueue_once_on_commit

from .engine import PENDING_TASK
from .models import Run, TriggerEvent
from .triggers import BY_SIGNAL


def record_from_signals(signal: Signal, announcements: Sequence[dict[str, Any]]) -> None:
    """core.events recorder: one trigger event per announcement of a trigger's signal."""
    trigger = BY_SIGNAL.get(signal)
    if trigger is None or trigger.event_key is None:
        return
    depths: dict[int | None, int] = {}  # by the causing run
    now = clock.now()
    events = []
    for kwargs, data in zip(announcements, trigger.data_of(announcements), strict=True):
        cause = kwargs["cause"]
        if cause.run_id not in depths:
            depths[cause.run_id] = _depth(cause)
        events.append(
            {
                "kind": trigger.key,
                "account": kwargs["account_id"],
                "event_key": trigger.event_key(kwargs),
                "data": data,
                "depth": depths[cause.run_id],
                "created_at": now,
                **cause.as_fields(),
            }
        )
    # A fact reported again hits trigger_event_once and is skipped, not an error;
    # the engine is woken only if something is new.
    if insert_rows(TriggerEvent, events, skip_conflicts=True):
        enqueue_once_on_commit(PENDING_TASK)


def _depth(cause: Cause) -> int:
    """How many runs led here: a run's event depth + 1, 0 for people, inputs and sweeps."""
    if cause.kind != CauseKind.WORKFLOW or not cause.run_id:
        return 0
    if cause.run_depth is not None:  # the engine says, for the run it is executing
        return cause.run_depth + 1
    parent = Run.objects.filter(pk=cause.run_id).values_list("event__depth", flat=True).first()
    return (parent or 0) + 1
