"""Matching trigger events to workflows: one Run per active workflow of the event's trigger.

Each event is claimed by a conditional UPDATE of `processed_at`, so matching
twice or concurrently starts its runs once (and run_once_per_event refuses a
second run per workflow and event anyway). A run takes its lane from the
event's cause (core.lanes); an event a run caused takes that run's lane. The
engine is woken once per commit, not per run.
"""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from core import clock
from core.causes import CauseKind
from core.claim_loop import Lanes, drain_lanes
from core.lanes import INTERACTIVE, INTERACTIVE_CAUSES, lane_of_kind
from core.queue import wake_on_commit

from . import listeners, schedule
from .conditions import Memberships, evaluate
from .models import Run, RunStatus, StepOutcome, StepResult, TriggerEvent, Workflow
from .triggers.dates import DATE_REACHED
from .triggers.manual import MANUAL

logger = logging.getLogger(__name__)

# The names queued tasks carry: kept as they are.
PENDING_TASK = "workflows.tasks.process_pending_events"
RUNS_TASK = "workflows.tasks.drain_runs"
# Runs caused by runs caused by runs …: beyond this, events start no runs (loop guard).
MAX_DEPTH = 5
# Kinds whose every event names the one playbook it starts (`data.playbook`): a person
# started it by hand, or the playbook's own date trigger came round.
ONE_PLAYBOOK = {MANUAL, DATE_REACHED}


def _caused_by_an_interactive_run() -> Exists:
    return Exists(Run.objects.filter(pk=OuterRef("cause_run_id"), lane=INTERACTIVE))


def _interactive() -> Q:
    """Events someone waits on: a person's, a customer's or an input's, or an interactive run's."""
    return Q(cause_kind__in=INTERACTIVE_CAUSES) | Q(
        _caused_by_an_interactive_run(), cause_kind=CauseKind.WORKFLOW
    )


def pending_events(lane: str, limit: int) -> list[int]:
    """Up to `limit` unmatched events of `lane`, oldest first (each is claimed as it is matched)."""
    pending = TriggerEvent.objects.filter(processed_at=None)
    interactive = _interactive()
    pending = pending.filter(interactive) if lane == INTERACTIVE else pending.exclude(interactive)
    return list(pending.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])


def match_pending_trigger_events() -> int:
    """Match the unmatched trigger events, interactive ones first; returns how many runs start.

    Stops early when the worker is asked to or its time budget is spent: the
    task wakes another matcher, and the reconciler matches what is left.
    """
    return sum(drain_lanes(EVENTS).outcomes)


def match_trigger_event(event_id: int) -> int:
    """Create this trigger event's runs; returns how many will execute. Safe to repeat."""
    now = clock.now()
    with transaction.atomic():
        claimed = TriggerEvent.objects.filter(pk=event_id, processed_at=None).update(
            processed_at=now
        )
        if not claimed:
            return 0
        event = (
            TriggerEvent.objects.select_related("account")
            .annotate(by_interactive_run=_caused_by_an_interactive_run())
            .get(pk=event_id)
        )
        if event.depth > MAX_DEPTH:
            logger.warning("Event %s is %s runs deep; no workflow started.", event, event.depth)
            return 0
        lane = INTERACTIVE if event.by_interactive_run else lane_of_kind(event.cause_kind)
        account = event.account
        tags = {name.casefold() for name in account.tags.values_list("name", flat=True)}
        # Before its own runs start: an event meets the goals and ends the waits of runs
        # already under way, never of the runs it starts.
        listeners.hear(event, account=account, tags=tags, now=now)
        workflows = Workflow.objects.filter(
            is_active=True, current_version__isnull=False
        ).select_related("current_version")
        # A playbook started by hand (workflows.enrollment) or by its own date trigger
        # (workflows.date_sweep) starts that playbook only.
        if event.kind in ONE_PLAYBOOK:
            workflows = workflows.filter(key=event.data.get("playbook"))
            if event.kind == DATE_REACHED:  # … while it still has that trigger
                workflows = workflows.filter(trigger=DATE_REACHED)
        else:
            workflows = workflows.filter(trigger=event.kind)
        return start_runs(event, workflows, account=account, tags=tags, lane=lane, now=now)


def start_runs(event: TriggerEvent, workflows, *, account, tags: set[str], lane: str, now) -> int:
    """One run of each of `workflows` for `event` (skipped, with its decisions, where the
    conditions do not hold); how many will execute. Also how a workflow switched on again
    catches up on what it missed (workflows.switching). run_once_per_event keeps it once."""
    memberships = Memberships([account.pk])
    started = 0
    for workflow in workflows:
        version = workflow.current_version
        matched, decisions = evaluate(
            version.conditions,
            account=account,
            data=event.data,
            tags=tags,
            memberships=memberships,
        )
        start, skipped = _start_of(event, version, now) if matched else (0, [])
        run, created = Run.objects.get_or_create(
            workflow=workflow,
            event=event,
            defaults={
                "version": version,
                "account": account,
                "status": RunStatus.QUEUED if matched else RunStatus.SKIPPED,
                "lane": lane,
                "decisions": decisions,
                "goal_kind": listeners.kind_of(version.goal or {}),
                "next_step": start,
                "due_at": now,
                "created_at": now,
                "finished_at": None if matched else now,
            },
        )
        if created and matched:
            _record_skipped(run, version, skipped, now)
            wake_on_commit(RUNS_TASK)
            started += 1
    return started


def _start_of(event: TriggerEvent, version, now) -> tuple[int, list]:
    """Where a run starts: at the first step, or for a late joiner of a date-relative
    playbook where its late-joiner policy says (workflows.schedule)."""
    anchor = schedule.anchor_of(event.kind, event.data, event.created_at)
    if anchor is None or not event.data.get("late"):
        return 0, []
    policy = (version.trigger_params or {}).get("late_joiners", "")
    return schedule.late_start(version.steps, anchor=anchor, policy=policy, now=now)


def _record_skipped(run: Run, version, skipped: list, now) -> None:
    """The steps a late joiner's run does not run, each with the day it was due."""
    if not skipped:
        return
    policy = (version.trigger_params or {}).get("late_joiners", "")
    StepResult.objects.bulk_create(
        StepResult(
            run=run,
            position=str(position),
            action=str(version.steps[position].get("action", ""))[:24],
            params=version.steps[position].get("params", {}),
            outcome=StepOutcome.SKIPPED,
            detail=schedule.skipped_detail(due, policy),
            finished_at=now,
        )
        for position, due in skipped
    )


EVENTS = Lanes("events", claim=pending_events, work=lambda event_id: match_trigger_event(event_id))
