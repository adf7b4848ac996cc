from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """The automation engine: triggers, workflows as data, and their runs."""

    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        from core import handover

        from .recording import record_trigger_events

        # Every service's record_and_announce writes its trigger events here, in
        # the service's transaction (core imports no app, so the engine plugs in).
        handover.register_recorder(record_trigger_events)
