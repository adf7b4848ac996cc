from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "CSV imports"

    def install_defaults(self) -> None:
        """The reconciler that resumes import jobs a worker left (core.defaults)."""
        from django_q.models import Schedule

        from core.schedules import upsert_schedule

        upsert_schedule(
            Schedule, name="Imports: resume", func="imports.tasks.resume_import_jobs", minutes=1
        )
