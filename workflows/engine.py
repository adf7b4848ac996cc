"""The workflow engine: events in, runs out, steps executed exactly once.

1. workflows.recording writes a TriggerEvent inside the transaction of the
   change that caused it (the core.handover recorder), the sweeps one per fact
   due; both unique per fact.
2. `match_trigger_event` (workflows.matching) matches it against the active
   workflows of its trigger: one Run per workflow (unique per workflow and
   event), pinned to the workflow's current version, in its cause's lane,
   `skipped` with its decisions when the conditions do not hold.
3. A drain (`drain_runs`, woken once per commit that queued runs) claims due
   runs in batches, interactive lane first (core.claim_loop), and executes a
   batch as a set, step by step (workflows.batches); `execute_claimed` executes
   one run's steps in order. Each step's effects and its StepResult commit in
   one transaction, and (run, position) is unique, so a crash, a duplicate
   task or a retry never repeats a step.
   Outgoing messages are outbox rows keyed by run and step. A failing step
   is retried with back-off; a wait step parks the run until `due_at`.
4. `resume_due_runs` (a schedule, every minute) picks up what is due: runs
   to retry or resume, runs a dead worker left running, events never matched,
   runs whose wake-up was lost.

All of it is safe to run twice or concurrently (../shared/DJANGO-Q2.md).
"""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account
from core import clock
from core.claim_loop import STUCK_AFTER, Drained, Lanes, claim_batch, drain_lanes, retry_delay
from core.lanes import INTERACTIVE
from core.queue import wake_on_commit

from . import decisions, paths, schedule, waiting
from .actions import ACTIONS, DECISION, WAIT, WAIT_FOR, StepContext
from .actions.wait import delay
from .matching import (  # noqa: F401 (the engine's public names, as before)
    EVENTS,
    MAX_DEPTH,
    PENDING_TASK,
    RUNS_TASK,
    match_pending_trigger_events,
    match_trigger_event,
)
from .models import Run, RunStatus, StepOutcome, StepResult

logger = logging.getLogger(__name__)

MAX_STEP_ATTEMPTS = 5
# Due to (re)start or resume.
OPEN = [RunStatus.QUEUED, RunStatus.WAITING]


# What executing a run reads (steps, names and data for the actions): no more.
EXECUTION_FIELDS = (
    "account_id",
    "next_step",
    "next_path",
    "waiting_for",
    "waiting_since",
    "woken_by",
    "due_at",
    "attempts",
    "claimed_at",
    "last_error",
    "workflow__name",
    "version__steps",
    "event__kind",  # a date event's run keeps to its schedule (workflows.schedule)
    "event__data",
    "event__depth",
    "event__created_at",  # a card move made after it wins (actions.stages)
    "lane",
    # Actions hand the account to services, which lock and re-read it: the run
    # needs only its id (a message step reads the rest: current_account).
    "account__id",
)


class LostClaim(Exception):
    """The run is no longer this worker's (released as stuck and claimed again)."""


# --- 3. execution -------------------------------------------------------------


def execute_run(run_id: int) -> str:
    """Execute a due run from its next step; returns its status afterwards.

    Does nothing unless this call claims the run. Steps before `next_step`
    are done: each step's result commits with the advance of `next_step`.
    """
    now = clock.now()
    claimed = Run.objects.filter(pk=run_id, status__in=OPEN, due_at__lte=now).update(
        status=RunStatus.RUNNING, claimed_at=now
    )
    if not claimed:
        return run_status(run_id)
    return execute_claimed(run_id, now)


def execute_claimed(run_id: int, claimed_at: datetime) -> str:
    """Execute a run this worker claimed at `claimed_at` (alone or in a batch); its status after.

    Walks the version's steps from the run's position (workflows.paths): a decision
    moves it into the path it takes, a wait-for parks it (or, woken or timed out,
    moves it into "happened" or "timed out"), any other step runs its action.
    """
    try:
        run = (
            Run.objects.select_related("workflow", "version", "event", "account")
            .only(*EXECUTION_FIELDS)
            .get(pk=run_id, status=RunStatus.RUNNING, claimed_at=claimed_at)
        )
    except Run.DoesNotExist:  # released as stuck and taken by another worker meanwhile
        return run_status(run_id)
    return continue_run(run, position_of(run))


def continue_run(run: Run, path: paths.Path | None) -> str:
    """Execute a claimed, loaded run's steps one at a time from `path`; its status after
    (what `execute_claimed` does once it has read the run; a batch hands a run over here
    at a step it does not take as a set: a wait, a wait-for, a stored step it refuses)."""
    steps = run.version.steps
    account = run.account
    while path is not None:
        try:
            spec = paths.step_at(steps, path)
        except (IndexError, TypeError, AttributeError):
            if len(path) == 1:  # past the end (e.g. the run ended with a wait): finished
                break
            spec = {"action": "?"}
        try:
            _check_step(spec)
        except ValidationError as refusal:
            if not isinstance(spec, dict):
                spec = {"action": repr(spec)}
            action, params = str(spec.get("action")), spec.get("params", {})
            _record_failure(run, path, action[:24], params, refusal)
            return run_status(run.pk)
        action = spec["action"]
        if action == WAIT:
            following = paths.after(steps, path)
            until = _wait_end(run, steps, path, spec)
            if until > clock.now():
                return _park(run, path, spec, following, until)
            target = _pass_wait(run, path, spec, following, until)
        elif action == WAIT_FOR:
            target = waiting.resolve(run, account, steps, path, spec)
            if target is waiting.PARKED:
                return run_status(run.pk)
        elif action == DECISION:
            target = _decide(run, account, steps, path, spec)
        else:
            target = paths.after(steps, path)
            if not _execute_step(run, account, path, spec, following=target):
                return run_status(run.pk)
        if target is waiting.LOST:
            return run_status(run.pk)
        if target is None:
            return RunStatus.SUCCEEDED
        path = target
    # Nothing left to execute: just finish it.
    Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at).update(
        status=RunStatus.SUCCEEDED,
        next_step=len(steps),
        next_path="",
        finished_at=clock.now(),
        last_error="",
    )
    return RunStatus.SUCCEEDED


def position_of(run: Run) -> paths.Path:
    """The run's next step as a path ("" next_path: a top-level step)."""
    if not run.next_path:
        return (run.next_step,)
    try:
        return (run.next_step, *paths.parse(run.next_path))
    except ValueError:
        return (run.next_step,)


def at(path: paths.Path) -> dict:
    """The run's fields that say it is at `path` (a claim's filter, an advance's values)."""
    return {"next_step": path[0], "next_path": paths.as_text(path[1:])}


def moved_to(target: paths.Path | None, steps: list) -> dict:
    """The run's fields once it moves to `target` (None: finished)."""
    if target is None:
        return {
            "next_step": len(steps),
            "next_path": "",
            "status": RunStatus.SUCCEEDED,
            "finished_at": clock.now(),
            "last_error": "",
        }
    return at(target)


def run_status(run_id: int) -> str:
    """The run's status now ("" if there is no such run)."""
    return Run.objects.filter(pk=run_id).values_list("status", flat=True).first() or ""


def _check_step(spec: dict) -> None:
    """Refuse a stored step that could not run: one saved before its parameters' rules
    existed, or changed in the database. It then fails its run once, with the reason."""
    action = spec.get("action") if isinstance(spec, dict) else None
    kind = ACTIONS.get(action) if isinstance(action, str) else None
    if kind is None:
        raise ValidationError("There is no such action.", code="unknown_action")
    kind.check(spec.get("params", {}))


def _execute_step(
    run: Run, account: Account, path: paths.Path, spec: dict, *, following: paths.Path | None
) -> bool:
    """Run one step in one transaction; True if it is done and the run may go on.

    The last step (`following` None) also finishes the run, in the same transaction.
    """
    kind = ACTIONS[spec["action"]]
    params = spec.get("params", {})
    position = paths.as_text(path)
    try:
        with transaction.atomic():
            # Claim the step: only the worker holding the run's claim, and only
            # while the run is at this step, moves it on. The row lock this takes
            # makes a second claimant wait here, then find nothing to claim; a
            # failure rolls the advance back with the step's effects.
            if not Run.objects.filter(
                pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at, **at(path)
            ).update(attempts=0, **moved_to(following, run.version.steps)):
                raise LostClaim
            context = StepContext(
                run=run,
                account=account,
                event=run.event,
                position=position,
                workflow_name=run.workflow.name,
                label=paths.label(path),
            )
            detail = kind.run(context, params)
            record_done(run, position, kind.key, params, detail)
    except LostClaim:
        logger.warning("Run %s was taken over by another worker; stopping here.", run.pk)
        return False
    except Exception as error:  # recorded on the run; the worker itself must not die
        _record_failure(run, path, kind.key, params, error)
        return False
    run.attempts = 0
    return True


# A step's result is written once per (run, step); a retry of a failed step overwrites it.
STEP_RESULT_UPSERT = {
    "update_conflicts": True,
    "unique_fields": ["run", "position"],
    "update_fields": [
        "action",
        "params",
        "outcome",
        "detail",
        "error",
        "attempts",
        "finished_at",
        "decisions",
    ],
}


def record_done(
    run: Run, position: str, action: str, params: dict, detail: str, decisions: list | None = None
) -> None:
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
        decisions=decisions or [],
    )
    StepResult.objects.bulk_create(
        [result],
        **STEP_RESULT_UPSERT,
    )


def _decide(
    run: Run, account: Account, steps: list, path: paths.Path, spec: dict
) -> paths.Path | object | None:
    """A decision: take the first path whose conditions hold (else "otherwise"), record
    which and why, and move the run to that path's first step; where it moved to."""
    params = spec["params"]
    chosen, reasons, detail = decisions.decide(params, account=account, data=run.event.data)
    target = paths.enter(steps, path, chosen)
    with transaction.atomic():
        if not Run.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at, **at(path)
        ).update(attempts=0, **moved_to(target, steps)):
            logger.warning("Run %s was taken over by another worker; stopping here.", run.pk)
            return waiting.LOST
        record_done(run, paths.as_text(path), DECISION, params, detail, reasons)
    return target


def _wait_end(run: Run, steps: list, path: paths.Path, spec: dict) -> datetime:
    """When a wait step ends: its delay from now, or on a date run's schedule."""
    anchor = schedule.anchor_of(run.event.kind, run.event.data, run.event.created_at)
    if anchor is not None and len(path) == 1:
        return schedule.wait_end(steps, path[0], anchor)
    return clock.now() + delay(spec.get("params", {}))


def _pass_wait(
    run: Run, path: paths.Path, spec: dict, following: paths.Path | None, until: datetime
) -> paths.Path | object | None:
    """A wait whose end on the schedule has passed: recorded, not waited; where to go on."""
    with transaction.atomic():
        if not Run.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at, **at(path)
        ).update(attempts=0, **moved_to(following, run.version.steps)):
            logger.warning("Run %s was taken over by another worker; stopping here.", run.pk)
            return waiting.LOST
        detail = f"Not waited: its end on the schedule ({until:%Y-%m-%d %H:%M %Z}) had passed."
        record_done(run, paths.as_text(path), WAIT, spec.get("params", {}), detail)
    return following


def _park(
    run: Run, path: paths.Path, spec: dict, following: paths.Path | None, until: datetime
) -> str:
    """A wait step: record it done and hand the run back until `until`."""
    resume = (
        at(following)
        if following is not None
        else {"next_step": len(run.version.steps), "next_path": ""}
    )
    with transaction.atomic():
        if not Run.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at
        ).update(status=RunStatus.WAITING, due_at=until, claimed_at=None, **resume):
            logger.warning("Run %s was taken over by another worker; stopping here.", run.pk)
            return run_status(run.pk)
        StepResult.objects.update_or_create(
            run=run,
            position=paths.as_text(path),
            defaults={
                "action": WAIT,
                "params": spec.get("params", {}),
                "outcome": StepOutcome.DONE,
                "detail": f"Waiting until {until:%Y-%m-%d %H:%M %Z}.",
                "finished_at": clock.now(),
            },
        )
    return RunStatus.WAITING


def _record_failure(
    run: Run, path: paths.Path, action: str, params: dict, error: Exception
) -> None:
    attempts = run.attempts + 1
    message = " ".join(error.messages) if isinstance(error, ValidationError) else repr(error)
    # A refusal (bad template, unknown stage) will not pass by retrying: fail at once.
    final = isinstance(error, ValidationError) or attempts >= MAX_STEP_ATTEMPTS
    if not isinstance(error, ValidationError):
        logger.warning("Run %s step %s failed: %s", run.pk, paths.label(path), message)
    with transaction.atomic():
        # Only while the run is still this worker's: a new owner's state stays.
        if not Run.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at
        ).update(
            status=RunStatus.FAILED if final else RunStatus.QUEUED,
            attempts=attempts,
            last_error=f"Step {paths.label(path)} ({action}): {message}",
            due_at=clock.now() + retry_delay(attempts),
            finished_at=clock.now() if final else None,
            claimed_at=None,
        ):
            return
        StepResult.objects.update_or_create(
            run=run,
            position=paths.as_text(path),
            defaults={
                "action": action,
                "params": params,
                "outcome": StepOutcome.FAILED,
                "error": message,
                "attempts": attempts,
                "finished_at": clock.now(),
            },
        )


# --- 4. draining, the reconciler and retries ----------------------------------


def claim_due_runs(lane: str, limit: int) -> list[tuple[int, datetime]]:
    """Claim up to `limit` due runs of `lane`, oldest first: (run id, claim time) each."""
    now = clock.now()
    due = Run.objects.filter(lane=lane, status__in=OPEN, due_at__lte=now)
    ids = claim_batch(due, ("due_at", "pk"), limit, status=RunStatus.RUNNING, claimed_at=now)
    return [(pk, now) for pk in ids]


def release_runs(claims: list[tuple[int, datetime]]) -> int:
    """Give back claimed runs a drain did not reach (its budget was spent): due again at once."""
    return Run.objects.filter(
        pk__in=[pk for pk, _ in claims], status=RunStatus.RUNNING, claimed_at=claims[0][1]
    ).update(status=RunStatus.QUEUED, claimed_at=None)


def execute_batch(claims: list[tuple[int, datetime]], started: datetime, budget) -> list[str]:
    """A drain's batch of claimed runs, executed as a set (workflows.batches): the
    statuses of the leading runs it finished within the budget."""
    from .batches import execute_batch as execute

    return execute(claims, started, budget)


RUNS = Lanes(
    "runs",
    claim=claim_due_runs,
    # Looked up when called, so a test can watch it.
    work_batch=lambda claims, started, budget: execute_batch(claims, started, budget),
    release=release_runs,
)


def drain_runs() -> Drained:
    """A worker's drain: due runs in batches, interactive first (the outcomes are statuses)."""
    return drain_lanes(RUNS)


def serve_interactive_events(started: datetime) -> int:
    """Between bulk batches of any queue: match the events someone waits on."""
    drained = drain_lanes(EVENTS, lanes=[INTERACTIVE], started=started, serve_others=False)
    return len(drained.outcomes)


def serve_interactive_runs(started: datetime) -> int:
    """Between bulk batches of any queue: execute the interactive runs that are due."""
    drained = drain_lanes(RUNS, lanes=[INTERACTIVE], started=started, serve_others=False)
    return len(drained.outcomes)


def resume_due_runs() -> dict[str, int]:
    """The reconciler (every minute): runs a dead worker left running, events never
    matched, and every run due (retries, waits, lost wake-ups), interactive first."""
    now = clock.now()
    released = Run.objects.filter(
        status=RunStatus.RUNNING, claimed_at__lt=now - STUCK_AFTER
    ).update(status=RunStatus.QUEUED, due_at=now, claimed_at=None)
    # One budget for the whole tick: matching and executing share it.
    started = clock.now()
    matched = drain_lanes(EVENTS, started=started)
    finished = drain_lanes(RUNS, started=started).outcomes
    return {
        "released": released,
        "events": len(matched.outcomes),
        "due": len(finished),
        "finished": sum(status == RunStatus.SUCCEEDED for status in finished),
    }


@transaction.atomic
def retry_run(*, run: Run) -> bool:
    """Give a failed run a fresh round of attempts from the step that failed."""
    changed = Run.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
        status=RunStatus.QUEUED,
        lane=INTERACTIVE,  # a manager asked for it and is looking at it
        attempts=0,
        due_at=clock.now(),
        finished_at=None,
    )
    if changed:
        wake_on_commit(RUNS_TASK)
    return bool(changed)
