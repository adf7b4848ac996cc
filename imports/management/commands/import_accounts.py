"""`manage.py import_accounts FILE.csv [--preview] [--as-sign-ups]`: accounts from CSV."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.models import ImportMode
from imports.parsing import COLUMNS, ImportFileError
from imports.services import run_import_job, start_import


class Command(BaseCommand):
    help = (
        f"Import accounts and contacts from a CSV (columns: {', '.join(COLUMNS)}). Each row is "
        "applied on its own; bad rows are reported and skipped. Re-importing the same file "
        "changes nothing. Runs the same job as the admin's import, in this process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--preview", action="store_true", help="Report, change nothing.")
        parser.add_argument(
            "--as-sign-ups",
            action="store_true",
            help="Treat new accounts as sign-ups (welcome e-mail, new-account alert).",
        )

    def handle(self, *args, file: Path, preview: bool, as_sign_ups: bool, **options) -> None:
        try:
            job, _ = start_import(
                content=file.read_bytes(),
                file_name=file.name,
                mode=ImportMode.PREVIEW if preview else ImportMode.APPLY,
                as_sign_ups=as_sign_ups,
            )
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        while not job.finished:
            if run_import_job(job.pk) == "not claimed":  # a worker has it: follow along
                time.sleep(1)
            job.refresh_from_db()
        for row in job.row_errors.all():
            self.stderr.write(f"line {row.line} ({row.external_id or 'no id'}): {row.message}")
        self.stdout.write(job.summary())
        if job.errors:
            raise SystemExit(1)
