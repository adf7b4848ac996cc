from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "CSV imports"

    def ready(self) -> None:
        from workflows.backlogs import register_pause

        from .services import import_in_progress

        # The scheduled sweeps wait while a book loads (its history is held at the end).
        register_pause(import_in_progress)

    def install_defaults(self) -> None:
        """The reconciler that resumes import jobs a worker left (core.defaults)."""
        from django_q.models import Schedule

        from core.schedules import upsert_schedule

        upsert_schedule(
            Schedule, name="Imports: resume", func="imports.tasks.resume_import_jobs", minutes=1
        )
