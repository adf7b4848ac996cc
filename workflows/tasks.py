"""django-q2 entry points for the engine: thin, take ids, safe to run twice."""

from . import engine


def process_event(event_id: int) -> int:
    """Match one trigger event against the workflows (enqueued after its commit)."""
    return engine.process_event(event_id)


def execute_run(run_id: int) -> str:
    """Execute one run from its next step (enqueued after the commit that queued it)."""
    return engine.execute_run(run_id)


def resume_due_runs() -> str:
    """The engine's reconciler (every minute): retries, waits, lost tasks, dead workers."""
    return ", ".join(f"{count} {name}" for name, count in engine.resume_due_runs().items())
