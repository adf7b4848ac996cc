"""Domain events: recorded with the change, announced after commit.

Services announce what changed with `send_on_commit`. Two kinds of listener
hear it:
- recorders (`record_in_transaction`) run at once, inside the service's
  transaction, so what they write (the workflow engine's trigger events)
  commits or rolls back with the change itself and is never lost between
  the two;
- ordinary signal receivers run after commit, and never for a change that
  rolled back.
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


def record_in_transaction(recorder: Recorder) -> None:
    """Have `recorder(signal, [kwargs, …])` called inside the transaction of every domain event."""
    if recorder not in _recorders:
        _recorders.append(recorder)


def send_on_commit(signal: Signal, sender: type, **kwargs: Any) -> None:
    """Send `signal` once the current transaction commits (at once if none).

    Robustly: the change is already committed, so a failing receiver is
    logged and cannot hide the change from the other receivers, nor from
    the caller, nor stop the transaction's other after-commit work.
    """
    send_many_on_commit(signal, sender, [kwargs])


def send_many_on_commit(signal: Signal, sender: type, announcements: Sequence[dict]) -> None:
    """`send_on_commit` for several changes of one kind made together (a batch).

    Recorders see the whole batch in one call; receivers still get one
    signal per change, in order, after commit.
    """
    if not announcements:
        return
    for recorder in _recorders:
        recorder(signal, announcements)

    def send() -> None:
        for kwargs in announcements:
            for receiver, result in signal.send_robust(sender=sender, **kwargs):
                if isinstance(result, Exception):
                    logger.error(
                        "Receiver %s of a %s event failed",
                        getattr(receiver, "__qualname__", receiver),
                        sender.__name__,
                        exc_info=result,
                    )

    transaction.on_commit(send, robust=True)
