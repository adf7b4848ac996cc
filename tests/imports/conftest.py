import pytest

from imports.models import ImportMode
from imports.services import run_import_job, start_import


@pytest.fixture
def import_file(deliver):
    """`import_file(content, …)`: upload and run the job to its end, as a worker would
    (after commit, with everything that follows: playbooks, the outbox)."""

    def run(content: bytes, *, mode=ImportMode.APPLY, as_sign_ups=False, user=None, name="a.csv"):
        job, _ = deliver(
            lambda: start_import(
                content=content, file_name=name, mode=mode, as_sign_ups=as_sign_ups, user=user
            )
        )
        while not job.finished:
            deliver(lambda: run_import_job(job.pk))
            job.refresh_from_db()
        return job

    return run
