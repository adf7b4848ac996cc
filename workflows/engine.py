"""The workflow engine: events in, runs out, steps executed exactly once.

1. workflows.recording writes a TriggerEvent inside the transaction of the
   change that caused it (the core.handover recorder), the sweeps one per fact
   due; both unique per fact.
2. `match_trigger_event` matches it against the active workflows of its trigger:
   one Run per workflow (unique per workflow and event), pinned to the
   workflow's current version, `skipped` with its decisions when the
   conditions do not hold.
3. `execute_run` claims a run with a conditional UPDATE and executes its
   steps in order. Each step's effects and its StepResult commit in one
   transaction, and (run, position) is unique, so a crash, a duplicate task
   or a retry never repeats a step. Outgoing messages are outbox rows keyed
   by run and step. A failing step is retried with back-off; a wait step
   parks the run until `due_at`.
4. `resume_due_runs` (a schedule, every minute) picks up what is due: runs
   to retry or resume, runs a dead worker left running, events never matched.

All of it is safe to run twice or concurrently (../shared/DJANGO-Q2.md).
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import Account
from core import clock
from core.claim_loop import DUE_BATCH, STUCK_AFTER, drain, retry_delay
from core.queue import enqueue_on_commit

from .actions import ACTIONS, WAIT, StepContext
from .actions.wait import delay
from .conditions import evaluate
from .models import (
    Run,
    RunStatus,
    StepOutcome,
    StepResult,
    TriggerEvent,
    Workflow,
)

logger = logging.getLogger(__name__)

PENDING_TASK = "workflows.tasks.process_pending_events"
EXECUTE_TASK = "workflows.tasks.execute_run"
# Runs caused by runs caused by runs …: beyond this, events start no runs (loop guard).
MAX_DEPTH = 5
MAX_STEP_ATTEMPTS = 5


# What executing a run reads (steps, names and data for the actions): no more.
EXECUTION_FIELDS = (
    "account_id",
    "next_step",
    "attempts",
    "claimed_at",
    "last_error",
    "workflow__name",
    "version__steps",
    "event__data",
    "event__depth",
    "event__created_at",  # a card move made after it wins (actions.stages)
    # Actions hand the account to services, which lock and re-read it: the run
    # needs only its id (a message step reads the rest: current_account).
    "account__id",
)


class LostClaim(Exception):
    """The run is no longer this worker's (released as stuck and claimed again)."""


# --- 2. matching (1, recording, is workflows.recording) --------------------------


def match_pending_trigger_events(limit: int = DUE_BATCH) -> int:
    """Match every trigger event not yet matched (a sweep's batch); returns how many runs started.

    Stops early when the worker is asked to or its time budget is spent: the
    reconciler matches what is left.
    """
    pending = list(
        TriggerEvent.objects.filter(processed_at=None)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(drain(pending, match_trigger_event))


def match_trigger_event(event_id: int) -> int:
    """Create this trigger event's runs; returns how many will execute. Safe to repeat."""
    now = clock.now()
    with transaction.atomic():
        claimed = TriggerEvent.objects.filter(pk=event_id, processed_at=None).update(
            processed_at=now
        )
        if not claimed:
            return 0
        event = TriggerEvent.objects.select_related("account").get(pk=event_id)
        if event.depth > MAX_DEPTH:
            logger.warning("Event %s is %s runs deep; no workflow started.", event, event.depth)
            return 0
        account = event.account
        tags = {name.casefold() for name in account.tags.values_list("name", flat=True)}
        workflows = Workflow.objects.filter(
            trigger=event.kind, is_active=True, current_version__isnull=False
        ).select_related("current_version")
        started = 0
        for workflow in workflows:
            version = workflow.current_version
            matched, decisions = evaluate(
                version.conditions, account=account, data=event.data, tags=tags
            )
            run, created = Run.objects.get_or_create(
                workflow=workflow,
                event=event,
                defaults={
                    "version": version,
                    "account": account,
                    "status": RunStatus.QUEUED if matched else RunStatus.SKIPPED,
                    "decisions": decisions,
                    "due_at": now,
                    "created_at": now,
                    "finished_at": None if matched else now,
                },
            )
            if created and matched:
                enqueue_on_commit(EXECUTE_TASK, run.pk)
                started += 1
    return started


# --- 3. execution -------------------------------------------------------------


def execute_run(run_id: int) -> str:
    """Execute a due run from its next step; returns its status afterwards.

    Does nothing unless this call claims the run. Steps before `next_step`
    are done: each step's result commits with the advance of `next_step`.
    """
    now = clock.now()
    claimed = Run.objects.filter(
        pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.WAITING], due_at__lte=now
    ).update(status=RunStatus.RUNNING, claimed_at=now)
    if not claimed:
        return Run.objects.filter(pk=run_id).values_list("status", flat=True).first() or ""
    run = (
        Run.objects.select_related("workflow", "version", "event", "account")
        .only(*EXECUTION_FIELDS)
        .get(pk=run_id)
    )
    steps = run.version.steps
    account = run.account
    for position in range(run.next_step, len(steps)):
        spec = steps[position]
        try:
            _check_step(spec)
        except ValidationError as refusal:
            if not isinstance(spec, dict):
                spec = {"action": repr(spec)}
            action, params = str(spec.get("action")), spec.get("params", {})
            _record_failure(run, position, action[:24], params, refusal)
            return Run.objects.values_list("status", flat=True).get(pk=run.pk)
        if spec["action"] == WAIT:
            return _park(run, position, spec)
        last = position == len(steps) - 1
        if not _execute_step(run, account, position, spec, last=last):
            return Run.objects.values_list("status", flat=True).get(pk=run.pk)
        if last:
            return RunStatus.SUCCEEDED
    # Nothing left to execute (e.g. the run ended with a wait): just finish it.
    Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at).update(
        status=RunStatus.SUCCEEDED, next_step=len(steps), finished_at=clock.now(), last_error=""
    )
    return RunStatus.SUCCEEDED


def _check_step(spec: dict) -> None:
    """Refuse a stored step that could not run: one saved before its parameters' rules
    existed, or changed in the database. It then fails its run once, with the reason."""
    action = spec.get("action") if isinstance(spec, dict) else None
    kind = ACTIONS.get(action) if isinstance(action, str) else None
    if kind is None:
        raise ValidationError("There is no such action.", code="unknown_action")
    kind.check(spec.get("params", {}))


def _execute_step(run: Run, account: Account, position: int, spec: dict, *, last: bool) -> bool:
    """Run one step in one transaction; True if it is done and the run may go on.

    The last step also finishes the run, in the same transaction.
    """
    kind = ACTIONS[spec["action"]]
    params = spec.get("params", {})
    try:
        with transaction.atomic():
            # Claim the step: only the worker holding the run's claim, and only
            # while `next_step` is this step, moves it on. The row lock this takes
            # makes a second claimant wait here, then find nothing to claim; a
            # failure rolls the advance back with the step's effects.
            finished = (
                {"status": RunStatus.SUCCEEDED, "finished_at": clock.now(), "last_error": ""}
                if last
                else {}
            )
            if not Run.objects.filter(
                pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at, next_step=position
            ).update(next_step=position + 1, attempts=0, **finished):
                raise LostClaim
            context = StepContext(
                run=run,
                account=account,
                event=run.event,
                position=position,
                workflow_name=run.workflow.name,
            )
            detail = kind.run(context, params)
            _record_done(run, position, kind.key, params, detail)
    except LostClaim:
        logger.warning("Run %s was taken over by another worker; stopping here.", run.pk)
        return False
    except Exception as error:  # recorded on the run; the worker itself must not die
        _record_failure(run, position, kind.key, params, error)
        return False
    run.attempts = 0
    return True


def _record_done(run: Run, position: int, action: str, params: dict, detail: str) -> None:
    """Write the step's result: one INSERT, guarded by step_result_once.

    Only a step that failed before has a row already (its failed attempts),
    which the same statement then overwrites (a done step is never claimed
    again); asking the constraint, not the run's counters, which a run
    released as stuck may have lost.
    """
    result = StepResult(
        run=run,
        position=position,
        action=action,
        params=params,
        outcome=StepOutcome.DONE,
        detail=detail,
        error="",
        attempts=run.attempts + 1,
        finished_at=clock.now(),
    )
    StepResult.objects.bulk_create(
        [result],
        update_conflicts=True,
        unique_fields=["run", "position"],
        update_fields=["action", "params", "outcome", "detail", "error", "attempts", "finished_at"],
    )


def _park(run: Run, position: int, spec: dict) -> str:
    """A wait step: record it done and hand the run back until its delay passes."""
    until = clock.now() + delay(spec.get("params", {}))
    with transaction.atomic():
        if not Run.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at
        ).update(status=RunStatus.WAITING, due_at=until, next_step=position + 1, claimed_at=None):
            logger.warning("Run %s was taken over by another worker; stopping here.", run.pk)
            return Run.objects.values_list("status", flat=True).get(pk=run.pk)
        StepResult.objects.update_or_create(
            run=run,
            position=position,
            defaults={
                "action": WAIT,
                "params": spec.get("params", {}),
                "outcome": StepOutcome.DONE,
                "detail": f"Waiting until {until:%Y-%m-%d %H:%M %Z}.",
                "finished_at": clock.now(),
            },
        )
    return RunStatus.WAITING


def _record_failure(run: Run, position: int, action: str, params: dict, error: Exception) -> None:
    attempts = run.attempts + 1
    message = " ".join(error.messages) if isinstance(error, ValidationError) else repr(error)
    # A refusal (bad template, unknown stage) will not pass by retrying: fail at once.
    final = isinstance(error, ValidationError) or attempts >= MAX_STEP_ATTEMPTS
    if not isinstance(error, ValidationError):
        logger.warning("Run %s step %s failed: %s", run.pk, position, message)
    with transaction.atomic():
        # Only while the run is still this worker's: a new owner's state stays.
        if not Run.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at
        ).update(
            status=RunStatus.FAILED if final else RunStatus.QUEUED,
            attempts=attempts,
            last_error=f"Step {position + 1} ({action}): {message}",
            due_at=clock.now() + retry_delay(attempts),
            finished_at=clock.now() if final else None,
        ):
            return
        StepResult.objects.update_or_create(
            run=run,
            position=position,
            defaults={
                "action": action,
                "params": params,
                "outcome": StepOutcome.FAILED,
                "error": message,
                "attempts": attempts,
                "finished_at": clock.now(),
            },
        )


# --- 4. the reconciler and retries -------------------------------------------


def resume_due_runs(limit: int = DUE_BATCH) -> dict[str, int]:
    """Pick up everything due; each selection is one query, whatever the backlog."""
    now = clock.now()
    released = Run.objects.filter(
        status=RunStatus.RUNNING, claimed_at__lt=now - STUCK_AFTER
    ).update(status=RunStatus.QUEUED, due_at=now, claimed_at=None)
    events = list(
        TriggerEvent.objects.filter(processed_at=None, created_at__lt=now - timedelta(minutes=1))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    # One budget for the whole tick: matching and executing share it.
    started = clock.now()
    matched = drain(events, match_trigger_event, started=started)
    due = list(
        Run.objects.filter(
            Q(status=RunStatus.QUEUED) | Q(status=RunStatus.WAITING), due_at__lte=now
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    finished = drain(due, execute_run, started=started)
    return {
        "released": released,
        "events": len(matched),
        "due": len(due),
        "finished": sum(status == RunStatus.SUCCEEDED for status in finished),
    }


@transaction.atomic
def retry_run(*, run: Run) -> bool:
    """Give a failed run a fresh round of attempts from the step that failed."""
    changed = Run.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
        status=RunStatus.QUEUED,
        attempts=0,
        due_at=clock.now(),
        finished_at=None,
    )
    if changed:
        enqueue_on_commit(EXECUTE_TASK, run.pk)
    return bool(changed)
