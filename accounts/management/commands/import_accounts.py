"""`manage.py import_accounts FILE.csv [--preview]`: accounts and contacts from CSV."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.imports import ImportFileError, import_accounts


class Command(BaseCommand):
    help = (
        "Import accounts and contacts from a CSV (columns: external_id, name, plan, mrr, "
        "owner_email, timezone, billing_customer_id, contact_name, contact_email, "
        "contact_phone, contact_external_id, contact_primary). Each row is applied on its own; "
        "bad rows are reported and skipped. Re-importing the same file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--preview", action="store_true", help="Report, change nothing.")

    def handle(self, *args, file: Path, preview: bool, **options) -> None:
        try:
            report = import_accounts(content=file.read_bytes(), apply=not preview)
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        for row in report.errors:
            self.stderr.write(f"line {row.line} ({row.external_id or 'no id'}): {row.message}")
        self.stdout.write(report.summary())
        if report.errors:
            raise SystemExit(1)
