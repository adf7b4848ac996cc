"""Switching a workflow off and on again, without silently losing what fell due meanwhile.

While a time-based workflow (its trigger recorded by a sweep: inactivity, unused
features, a date on the account …) is off, its sweep still records what becomes due;
the engine starts no run of it. Switching it on again, those events are listed as a
SweepBacklog of this workflow (`workflow`, `missed_from` → `found_at`) on the workflows
page, and a manager chooses, as for a first-run backlog (workflows.backlogs):

- skip ("only from now on"): nothing is run for them, and the choice is recorded;
- catch up, now or at so many an hour: each starts its run of this workflow as if it had
  been on (its conditions tested now); a date run keeps to its date's schedule.

Nothing is held per event (other workflows of the same trigger already had their runs):
the backlog names the window, and catching up takes, chunk by chunk, the window's events
that still have no run of this workflow, so a release that runs twice starts each once
(run_once_per_event). A workflow switched off again stops catching up until it is on.
Event-driven workflows (a payment, a login) are not reported: their meantime is history.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet

from core import clock
from core.lanes import BULK

from .matching import start_runs
from .models import HeldEvent, Run, SweepBacklog, TriggerEvent, Workflow
from .triggers import BY_KEY
from .triggers.dates import DATE_REACHED
from .triggers.manual import MANUAL

CATCH_UP_CHUNK = 500


def is_time_based(trigger: str) -> bool:
    """A trigger recorded by a sweep (the passing of time), not by a change someone made."""
    kind = BY_KEY.get(trigger)
    return kind is not None and kind.signal is None and kind.key != MANUAL


def switch(*, workflow: Workflow, active: bool) -> bool:
    """Switch the workflow on or off (a row lock: two clicks switch once); on again, hold
    what its trigger found meanwhile for a manager's choice. Whether it changed."""
    now = clock.now()
    with transaction.atomic():
        locked = Workflow.objects.select_for_update().filter(pk=workflow.pk).first()
        if locked is None or locked.is_active == active:
            return False
        # Conditional too, for SQLite, which ignores the row lock: one click switches.
        switched = Workflow.objects.filter(pk=locked.pk, is_active=not active)
        if not active:
            return bool(switched.update(is_active=False, switched_off_at=now))
        if not switched.update(is_active=True, switched_off_at=None):
            return False
        since = locked.switched_off_at
        if since is not None and is_time_based(locked.trigger):
            missed = missed_events(locked, since=since, until=now).count()
            if missed:
                SweepBacklog.objects.create(
                    sweep=f"workflow:{locked.key}"[:60],
                    workflow=locked,
                    missed_from=since,
                    found_at=now,
                    held=missed,
                    occasion=f"“{locked.name}” was switched on again",
                )
    return True


def missed_events(workflow: Workflow, *, since: datetime, until: datetime) -> QuerySet:
    """Events of the workflow's trigger recorded from `since` to `until`, already matched
    (so while it was off), with no run of it, and not held by another backlog."""
    events = TriggerEvent.objects.filter(
        kind=workflow.trigger,
        created_at__gte=since,
        created_at__lte=until,
        processed_at__isnull=False,
    )
    if workflow.trigger == DATE_REACHED:  # each names its one workflow
        events = events.filter(event_key__startswith=f"date:{workflow.pk}:")
    return events.exclude(
        Exists(Run.objects.filter(workflow=workflow, event=OuterRef("pk")))
    ).exclude(Exists(HeldEvent.objects.filter(event=OuterRef("pk"))))


def undecided(workflow: Workflow) -> SweepBacklog | None:
    """The workflow's latest report of missed events still waiting for a choice."""
    return SweepBacklog.objects.filter(workflow=workflow, choice="").order_by("-pk").first()


def catch_up(backlog: SweepBacklog, count: int) -> int:
    """Start up to `count` of the backlog's missed runs, oldest event first, in chunks;
    how many events were taken. Finishes the backlog once none is left."""
    workflow = (
        Workflow.objects.select_related("current_version").filter(pk=backlog.workflow_id).first()
    )
    if workflow is None or not workflow.is_active or workflow.current_version is None:
        return 0
    missed = missed_events(workflow, since=backlog.missed_from, until=backlog.found_at)
    taken = 0
    while taken < count:
        with transaction.atomic():
            chunk = list(
                missed.select_related("account").order_by("pk")[
                    : min(CATCH_UP_CHUNK, count - taken)
                ]
            )
            if not chunk:
                break
            now = clock.now()
            for event in chunk:
                tags = {n.casefold() for n in event.account.tags.values_list("name", flat=True)}
                start_runs(event, [workflow], account=event.account, tags=tags, lane=BULK, now=now)
            SweepBacklog.objects.filter(pk=backlog.pk).update(released=F("released") + len(chunk))
        taken += len(chunk)
    if not missed.exists():
        SweepBacklog.objects.filter(pk=backlog.pk, finished_at=None).update(finished_at=clock.now())
    return taken
