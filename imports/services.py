"""CSV imports as background jobs: start one, run it slice by slice, resume what a worker left.

Policy (README, "CSV import"): every row is applied through the account
services (imports.rows: new accounts of a slice signed up together, the
others row by row), so a bad row is reported with its line and changes
nothing while the good rows are imported. Rows are applied in slices;
each slice's rows, error reports and the job's progress commit together, so a
worker that dies mid-file resumes at the last committed row (nothing twice,
nothing lost), and a task stays far inside django-q2's timeout whatever the
file's size. A preview applies the rows and rolls them back.
"""

import hashlib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse

from core import clock
from core.causes import Cause
from core.queue import enqueue_on_commit, one_wake_up_per_task
from core.worker import time_to_leave
from notifications.services import notify_staff
from notifications.templating import absolute_url
from workflows.backlogs import hold_history_of_new_accounts

from .models import ImportJob, ImportMode, ImportRowError, ImportStatus
from .parsing import Row, decode, read_rows
from .rows import apply_rows

RUN_TASK = "imports.tasks.run_import_job"
SLICE_ROWS = 250
# Well inside django-q2's task timeout (or sooner when the worker stops): the rest of
# the file goes to the next task.
TIME_BUDGET = timedelta(seconds=20)
# A running job whose heartbeat is older than this lost its worker.
STUCK_AFTER = timedelta(minutes=2)
# The sweeps wait for an import at most this long after it was started: a job nobody
# resumes must not stop every time-based playbook.
SWEEPS_WAIT_AT_MOST = timedelta(hours=6)


def import_in_progress() -> str:
    """Why the scheduled sweeps wait ("the CSV import of book.csv is running"), or "".

    A book loading in slices is half there: a sweep now would treat the history of
    the rows imported so far as news. `_finish` runs the sweeps for the whole book.
    """
    job = (
        ImportJob.objects.filter(
            mode=ImportMode.APPLY,
            status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
            created_at__gte=clock.now() - SWEEPS_WAIT_AT_MOST,
        )
        .only("file_name")
        .first()
    )
    return f"the CSV import of {job.file_name} is running" if job else ""


def start_import(
    *, content: bytes, file_name: str, mode: str, as_sign_ups: bool = False, user=None
) -> tuple[ImportJob, bool]:
    """Check the file as a whole and queue its job; returns (job, created).

    Raises ImportFileError (nothing written) when the file cannot be read.
    The same content with the same options returns the existing job.
    """
    text = decode(content)
    rows = read_rows(text)
    # Of the text, so the same file with or without a BOM is the same file.
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    with transaction.atomic():
        job, created = ImportJob.objects.get_or_create(
            sha256=sha256,
            mode=mode,
            as_sign_ups=as_sign_ups,
            defaults={
                "file_name": file_name[:255],
                "content": text,
                "created_by": user,
                "created_at": clock.now(),
                "total_rows": len(rows),
            },
        )
        if created:
            enqueue_on_commit(RUN_TASK, job.pk)
    return job, created


def run_import_job(job_id: int) -> str:
    """Claim the job and import rows until the file ends or the time budget is spent.

    Safe to run twice or concurrently: only the worker whose claim is current
    may commit a slice (the claim's timestamp is checked with each write).
    """
    now = clock.now()
    claimable = Q(status=ImportStatus.QUEUED) | Q(
        status=ImportStatus.RUNNING, claimed_at__lt=now - STUCK_AFTER
    )
    claimed = ImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportStatus.RUNNING, claimed_at=now
    )
    if not claimed:
        return "not claimed"
    job = ImportJob.objects.get(pk=job_id)
    if job.started_at is None:
        ImportJob.objects.filter(pk=job.pk).update(started_at=now)
    rows = read_rows(job.content)
    heartbeat = now
    while job.rows_done < len(rows):
        heartbeat = _import_slice(job, rows[job.rows_done : job.rows_done + SLICE_ROWS], heartbeat)
        if heartbeat is None:
            return "claim lost"
        job.refresh_from_db()
        if job.rows_done < len(rows) and time_to_leave(now, TIME_BUDGET):
            _hand_over(job, heartbeat)
            return f"{job.rows_done} of {len(rows)} rows, continuing"
    _finish(job, heartbeat)
    return job.summary()


def resume_import_jobs() -> int:
    """The reconciler (every minute): wake jobs whose task was lost or whose worker died."""
    now = clock.now()
    due = ImportJob.objects.filter(
        Q(status=ImportStatus.QUEUED, created_at__lt=now - timedelta(minutes=1))
        | Q(status=ImportStatus.RUNNING, claimed_at__lt=now - STUCK_AFTER)
    ).values_list("pk", flat=True)
    woken = 0
    for pk in due:
        enqueue_on_commit(RUN_TASK, pk)
        woken += 1
    return woken


def _import_slice(job: ImportJob, rows: list[Row], heartbeat):
    """Apply `rows` and move the job past them in one transaction; the new heartbeat or None."""
    cause = Cause.by_import(job.created_by, f"CSV import {job.file_name}")
    owners = _owners(rows)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "error": 0}
    errors = []
    # One engine wake-up for the slice, not one per row's trigger event.
    with transaction.atomic(), one_wake_up_per_task():
        results = apply_rows(
            rows,
            owners=owners,
            cause=cause,
            as_sign_up=job.as_sign_ups,
            preview=job.mode == ImportMode.PREVIEW,
        )
        for row, (outcome, message) in zip(rows, results, strict=True):
            counts[outcome] += 1
            if outcome == "error":
                errors.append(
                    ImportRowError(
                        job=job, line=row.line, external_id=row.external_id[:200], message=message
                    )
                )
        ImportRowError.objects.bulk_create(errors, ignore_conflicts=True)
        beat = clock.now()
        moved = ImportJob.objects.filter(
            pk=job.pk, status=ImportStatus.RUNNING, claimed_at=heartbeat, rows_done=job.rows_done
        ).update(
            rows_done=F("rows_done") + len(rows),
            created=F("created") + counts["created"],
            updated=F("updated") + counts["updated"],
            unchanged=F("unchanged") + counts["unchanged"],
            errors=F("errors") + counts["error"],
            claimed_at=beat,
        )
        if not moved:  # another worker took the job over: its slice counts, not ours
            transaction.set_rollback(True)
            return None
    return beat


def _owners(rows: list[Row]) -> dict:
    emails = {row.values.get("owner_email", "").lower() for row in rows} - {""}
    if not emails:
        return {}
    users = get_user_model().objects.filter(email__in=emails)
    return {user.email.lower(): user for user in users}


def _hand_over(job: ImportJob, heartbeat) -> None:
    """Release the claim and queue the next task for the rest of the file."""
    with transaction.atomic():
        released = ImportJob.objects.filter(
            pk=job.pk, status=ImportStatus.RUNNING, claimed_at=heartbeat
        ).update(status=ImportStatus.QUEUED, claimed_at=None)
        if released:
            enqueue_on_commit(RUN_TASK, job.pk)


def _finish(job: ImportJob, heartbeat) -> None:
    """Hold the imported book's history, mark the job done and send its report to whoever
    started it (inbox and e-mail).

    The history is held first, while the job still pauses the sweeps, so no scheduled
    sweep acts on it in between; a retry of this step finds it recorded and holds nothing.
    """
    job.refresh_from_db()
    if job.mode == ImportMode.APPLY and job.created and job.started_at:
        hold_history_of_new_accounts(
            created_since=job.started_at, occasion=f"the CSV import of {job.file_name}"
        )
    with transaction.atomic():
        finished = ImportJob.objects.filter(
            pk=job.pk, status=ImportStatus.RUNNING, claimed_at=heartbeat
        ).update(status=ImportStatus.DONE, finished_at=clock.now(), claimed_at=None)
        if not finished or job.created_by_id is None:
            return
        job.refresh_from_db()
        notify_staff(
            account=None,
            template_key="import-finished",
            cause_key=f"import:{job.pk}",
            cause=Cause.by_import(job.created_by, f"CSV import {job.file_name}"),
            rule="user",
            user_id=job.created_by_id,
            email=True,
            data={
                "file_name": job.file_name,
                "mode": job.get_mode_display(),
                "summary": job.summary(),
                "errors": job.errors,
                "report_url": absolute_url(
                    reverse("admin:imports_importjob_change", args=[job.pk])
                ),
            },
        )
