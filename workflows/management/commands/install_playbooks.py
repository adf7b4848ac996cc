"""`manage.py install_playbooks [--file F]`: install missing default (or given) playbooks."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from workflows.catalogue import default_playbooks, install_playbooks, validate_playbook
from workflows.models import Condition, Step, Workflow, WorkflowVersion


class Command(BaseCommand):
    help = (
        "Install the default playbooks (or those in an exported file) that are missing. "
        "Existing workflows, matched by key, are never changed: safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="A JSON file made by export_playbooks.")

    def handle(self, *args, file: Path | None, **options) -> None:
        try:
            playbooks = json.loads(file.read_text()) if file else default_playbooks()
        except (OSError, ValueError) as error:
            raise CommandError(f"{file}: {error}") from error
        if not isinstance(playbooks, list):
            raise CommandError("The file holds a list of playbooks, as export_playbooks writes.")
        # Every playbook is checked before any is installed: a bad file installs nothing.
        for number, playbook in enumerate(playbooks, start=1):
            name = playbook.get("key") if isinstance(playbook, dict) else None
            try:
                validate_playbook(playbook)
            except ValidationError as error:
                reason = " ".join(error.messages)
                raise CommandError(f"{name or f'Playbook {number}'}: {reason}") from None
        models = {
            "Workflow": Workflow,
            "Condition": Condition,
            "Step": Step,
            "WorkflowVersion": WorkflowVersion,
        }
        with transaction.atomic():
            created = install_playbooks(models, playbooks)
        self.stdout.write(f"{created} playbook(s) installed, {len(playbooks) - created} kept.")
