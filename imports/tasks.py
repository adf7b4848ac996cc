"""django-q2 entry points for imports: thin, take ids, safe to run twice."""

from . import services


def run_import_job(job_id: int) -> str:
    """Import the next stretch of a job's rows (enqueued after the commit that queued it)."""
    return services.run_import_job(job_id)


def resume_import_jobs() -> str:
    """The imports' reconciler (every minute): lost wake-ups and dead workers."""
    return f"{services.resume_import_jobs()} woken"
