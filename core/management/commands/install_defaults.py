"""`manage.py install_defaults`: put back any missing default (pipelines, texts, playbooks …)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.defaults import install_defaults


class Command(BaseCommand):
    help = "Create every missing default row (never overwrites edits). Safe to run any time."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            install_defaults()
        self.stdout.write("Defaults installed.")
