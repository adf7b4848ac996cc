"""django-q2 entry points for the engine: thin, take ids, safe to run twice."""

from core.worker import stop_requested

from . import backlogs, engine, sweeps


def process_pending_events() -> int:
    """Match every unmatched trigger event (enqueued once per transaction that recorded some).

    The name is the one queued tasks already carry (engine.PENDING_TASK): kept as is.
    """
    return engine.match_pending_trigger_events()


def execute_run(run_id: int) -> str:
    """Execute one run from its next step (enqueued after the commit that queued it).

    A worker that is stopping leaves it queued for the reconciler.
    """
    if stop_requested():
        return "left queued: the worker is stopping"
    return engine.execute_run(run_id)


def resume_due_runs() -> str:
    """The engine's reconciler (every minute): retries, waits, lost tasks, dead workers."""
    return ", ".join(f"{count} {name}" for name, count in engine.resume_due_runs().items())


def run_sweep(name: str) -> int:
    """Run the sweep whose function is `name` (the schedules' entry point); its first run
    holds a large backlog for a manager's choice (workflows.backlogs)."""
    return backlogs.run_sweep(sweeps.BY_FUNCTION[name])


def release_backlogs() -> int:
    """Hand held backlogs' events to the engine as their managers chose (every 5 minutes,
    and after each choice)."""
    return backlogs.release_due()
