"""Priority lanes: work a person is waiting on goes before work nobody is watching.

Every run and message carries the lane of its cause. *Interactive*: a person's
action in the UI, a customer's form or chat, and transactional inputs from
the product or the payment provider (payments, appointments, via API or
webhook). *Bulk*: scheduled sweeps, CSV imports, bulk enrollments and
maintenance. A workflow's own changes stay in the lane of the run that made
them. The drains (core.claim_loop) always claim interactive work first, and a
long bulk drain serves the interactive work of every queue between its
batches (the `between_batches` hooks below), so a backlog of bulk work never
delays what a person is waiting for.

A row written without a lane (a `bulk_create`, an old row) is bulk: the
model default. Interactive is set from the cause.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

from core.causes import CauseKind

if TYPE_CHECKING:
    from core.causes import Cause


class Lane(models.TextChoices):
    INTERACTIVE = "interactive", "Interactive"
    BULK = "bulk", "Bulk"


INTERACTIVE = Lane.INTERACTIVE.value
BULK = Lane.BULK.value
# The order the drains take them in.
IN_ORDER = (INTERACTIVE, BULK)

# Causes someone is waiting on: a person in the app, a customer's form, the product's
# or payment provider's transactional inputs. The rest (sweeps, imports, system) are bulk.
INTERACTIVE_CAUSES = frozenset({CauseKind.USER, CauseKind.CUSTOMER, CauseKind.API})

# A waiting-time a manager should hear about (the workflows page and core.W010).
INTERACTIVE_BEHIND_MINUTES = 3


def lane_of_kind(kind: str) -> str:
    """The lane of a cause of this kind (a workflow's: see `lane_of`)."""
    return INTERACTIVE if kind in INTERACTIVE_CAUSES else BULK


def lane_of(cause: Cause) -> str:
    """The lane of the work `cause` makes: its own if it carries one (a run passes its
    lane on to what its steps do), else by its kind."""
    return cause.lane or lane_of_kind(cause.kind)


# --- serving interactive work between bulk batches ------------------------------
# Each hook drains one queue's interactive work (with the drain's start and budget)
# and returns how many items it worked. The apps register theirs when they load
# (workflows: matching and runs; notifications: the outbox), so a bulk drain of any
# queue serves all of them without importing the apps above it.
InteractiveDrain = Callable[[datetime], int]
_interactive_drains: dict[str, InteractiveDrain] = {}


def register_interactive_drain(name: str, drain: InteractiveDrain) -> None:
    """Serve `drain` between the batches of every bulk drain (idempotent by `name`)."""
    _interactive_drains[name] = drain


def serve_interactive(started: datetime) -> int:
    """Drain every queue's interactive work now; how many items were worked."""
    return sum(drain(started) for _, drain in sorted(_interactive_drains.items()))
