"""Domain events that leave the process only after the change is committed.

Services announce what changed with Django signals; receivers (the workflow
engine) enqueue work. Sending on commit means a rolled-back change never
triggers an automation, and a receiver always sees the committed rows.
"""

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)


def send_on_commit(signal: Signal, sender: type, **kwargs: Any) -> None:
    """Send `signal` once the current transaction commits (at once if none).

    Robustly: the change is already committed, so a failing receiver is
    logged and cannot hide the change from the other receivers, nor from
    the caller, nor stop the transaction's other after-commit work.
    """

    def send() -> None:
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                logger.error(
                    "Receiver %s of a %s event failed",
                    getattr(receiver, "__qualname__", receiver),
                    sender.__name__,
                    exc_info=result,
                )

    transaction.on_commit(send, robust=True)
