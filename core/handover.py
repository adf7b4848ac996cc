"""The service → engine handover: record a change's trigger events now, announce it after commit.

A domain service calls `record_and_announce(signal, sender=…, **facts)` (or
`record_and_announce_many` for a batch) inside its own transaction, and two
things happen:
1. every recorder runs at once, inside that transaction. The workflow
   engine's recorder (`workflows.recording.record_trigger_events`, registered
   in `workflows.apps.WorkflowsConfig.ready`, since core imports no app)
   writes the trigger events there, so they commit or roll back with the
   change itself and are never lost between the two;
2. after commit, `signal` goes to its ordinary receivers, one send per change,
   and never for a change that rolled back.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# A recorder gets every announcement of one call at once, so it can write
# their rows with one INSERT (a batch of 500 logins: one, not 500).
Recorder = Callable[[Signal, Sequence[dict[str, Any]]], None]
_recorders: list[Recorder] = []


def register_recorder(recorder: Recorder) -> None:
    """Have `recorder(signal, [facts, …])` called inside the transaction of every handover."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def recorders() -> tuple[Recorder, ...]:
    """The recorders every handover calls, in the order they were registered."""
    return tuple(_recorders)


def record_and_announce(signal: Signal, *, sender: type, **facts: Any) -> None:
    """Record one change with the recorders now; send `signal` once the transaction commits.

    Robustly: the change is already committed, so a failing receiver is
    logged and cannot hide the change from the other receivers, nor from
    the caller, nor stop the transaction's other after-commit work.
    """
    record_and_announce_many(signal, sender=sender, announcements=[facts])


def record_and_announce_many(
    signal: Signal, *, sender: type, announcements: Sequence[dict[str, Any]]
) -> None:
    """`record_and_announce` for several changes of one kind made together (a batch).

    Recorders see the whole batch in one call; receivers still get one
    signal per change, in order, after commit.
    """
    if not announcements:
        return
    for recorder in _recorders:
        recorder(signal, announcements)

    def send() -> None:
        for facts in announcements:
            for receiver, result in signal.send_robust(sender=sender, **facts):
                if isinstance(result, Exception):
                    logger.error(
                        "Receiver %s of a %s event failed",
                        getattr(receiver, "__qualname__", receiver),
                        sender.__name__,
                        exc_info=result,
                    )

    transaction.on_commit(send, robust=True)
