"""django-q2 entry points for the engine: wake-ups that drain the database, safe to run twice.

A task carries no work: the rows are the queue (../shared/DJANGO-Q2.md), and
each task drains whatever is due, interactive lane first, within one time
budget, then wakes one more drain of itself if work is left.
"""

from core.claim_loop import drain_lanes
from core.queue import wake_on_commit
from core.worker import stop_requested

from . import backlogs, engine, enrollment, sweeps
from .matching import EVENTS, PENDING_TASK, RUNS_TASK

STOPPING = "left queued: the worker is stopping"


def process_pending_events() -> str:
    """Match the unmatched trigger events (woken once per commit that recorded some).

    The name is the one queued tasks already carry (matching.PENDING_TASK): kept as is.
    """
    if stop_requested():
        return STOPPING
    drained = drain_lanes(EVENTS)
    if drained.more and not stop_requested():
        wake_on_commit(PENDING_TASK)
    return f"{len(drained.outcomes)} events matched, {sum(drained.outcomes)} runs started"


def drain_runs() -> str:
    """Execute the due runs in batches (woken once per commit that queued some)."""
    if stop_requested():
        return STOPPING
    drained = engine.drain_runs()
    if drained.more and not stop_requested():
        wake_on_commit(RUNS_TASK)
    return f"{len(drained.outcomes)} runs executed" + (", more queued" if drained.more else "")


def execute_run(run_id: int) -> str:
    """A task queued before runs were drained: drain (this run among them); the run's status.

    A worker that is stopping leaves it queued for the reconciler.
    """
    if stop_requested():
        return STOPPING
    drain_runs()
    return engine.run_status(run_id)


def resume_due_runs() -> str:
    """The engine's reconciler (every minute): retries, waits, lost tasks, dead workers,
    and segment enrollments whose wake-up was lost."""
    counts = engine.resume_due_runs()
    counts["enrolled"] = enrollment.enroll_queued_segments()
    return ", ".join(f"{count} {name}" for name, count in counts.items())


def enroll_segments() -> str:
    """Enroll the queued segment enrollments batch by batch (bulk work; woken after the
    manager's confirmation). Safe to run twice: each batch moves its cursor as it commits."""
    if stop_requested():
        return STOPPING
    return f"{enrollment.enroll_queued_segments()} accounts enrolled"


def run_sweep(name: str) -> int:
    """Run the sweep whose function is `name` (the schedules' entry point); its first run
    holds a large backlog for a manager's choice (workflows.backlogs)."""
    return backlogs.run_sweep(sweeps.BY_FUNCTION[name])


def release_backlogs() -> int:
    """Hand held backlogs' events to the engine as their managers chose (every 5 minutes,
    and after each choice)."""
    return backlogs.release_due()
