"""`manage.py export_playbooks`: every workflow as JSON, in the catalogue's shape."""

import json

from django.core.management.base import BaseCommand

from workflows.catalogue import export_playbook
from workflows.models import Workflow


class Command(BaseCommand):
    help = "Print every workflow (working copy) as JSON, re-importable with install_playbooks."

    def handle(self, *args, **options) -> None:
        workflows = Workflow.objects.prefetch_related("conditions", "steps")
        self.stdout.write(json.dumps([export_playbook(w) for w in workflows], indent=2))
