"""A CSV import as a background job: the file, its options, its progress and its report."""

from django.conf import settings
from django.db import models


class ImportMode(models.TextChoices):
    PREVIEW = "preview", "Preview"  # every row applied, then rolled back: a report only
    APPLY = "apply", "Import"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"  # also between two slices of a long file
    RUNNING = "running", "Importing"  # a worker holds the claim (claimed_at is its heartbeat)
    DONE = "done", "Finished"


class ImportJob(models.Model):
    """One upload of one file with one set of options.

    The same content with the same options is the same job (unique on the
    content's hash): uploading a file twice shows the first job rather than
    running it again. `rows_done` is the resume point, committed with each
    slice of rows, so a worker that dies loses nothing and repeats nothing.
    """

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.TextField(help_text="The file's text, so any worker can read it.")
    mode = models.CharField(max_length=8, choices=ImportMode.choices)
    as_sign_ups = models.BooleanField(
        default=False,
        help_text="New accounts are treated as sign-ups: welcome e-mail and a team alert each.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sha256", "mode", "as_sign_ups"], name="one_import_job_per_file"
            )
        ]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} of {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status == ImportStatus.DONE

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.rows_done / self.total_rows) if self.total_rows else 0

    def summary(self) -> str:
        """e.g. "1,000 rows: 998 created, 0 updated, 0 unchanged, 2 errors"."""
        counts = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.errors} error{'s' if self.errors != 1 else ''}"
        )
        verb = "would be" if self.mode == ImportMode.PREVIEW else ""
        return (
            f"{self.rows_done:,} of {self.total_rows:,} rows{' ' + verb if verb else ''}: {counts}"
        )


class ImportRowError(models.Model):
    """One refused row of a job, by its line in the file (unique: a retried slice adds none)."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField()
    external_id = models.CharField(max_length=200, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["line"]
        constraints = [
            models.UniqueConstraint(fields=["job", "line"], name="one_error_per_import_line")
        ]

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"
