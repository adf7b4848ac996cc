"""`manage.py install_playbooks [--file F]`: install missing default (or given) playbooks."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from workflows.catalogue import default_playbooks, install_playbooks
from workflows.models import Condition, Step, Workflow, WorkflowVersion
from workflows.services import validate_definition


class Command(BaseCommand):
    help = (
        "Install the default playbooks (or those in an exported file) that are missing. "
        "Existing workflows, matched by key, are never changed: safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, help="A JSON file made by export_playbooks.")

    def handle(self, *args, file: Path | None, **options) -> None:
        playbooks = json.loads(file.read_text()) if file else default_playbooks()
        for playbook in playbooks:
            try:
                validate_definition(playbook)
            except Exception as error:
                raise CommandError(f"{playbook.get('key')}: {error}") from error
        models = {
            "Workflow": Workflow,
            "Condition": Condition,
            "Step": Step,
            "WorkflowVersion": WorkflowVersion,
        }
        with transaction.atomic():
            created = install_playbooks(models, playbooks)
        self.stdout.write(f"{created} playbook(s) installed, {len(playbooks) - created} kept.")
