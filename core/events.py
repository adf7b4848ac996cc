"""Domain events that leave the process only after the change is committed.

Services announce what changed with Django signals; receivers (the workflow
engine) enqueue work. Sending on commit means a rolled-back change never
triggers an automation, and a receiver always sees the committed rows.
"""

from functools import partial
from typing import Any

from django.db import transaction
from django.dispatch import Signal


def send_on_commit(signal: Signal, sender: type, **kwargs: Any) -> None:
    """Send `signal` once the current transaction commits (at once if none)."""
    transaction.on_commit(partial(signal.send, sender=sender, **kwargs), robust=False)
