from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """The automation engine: triggers, workflows as data, and their runs."""

    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        from core import handover, lanes

        from . import checks  # noqa: F401  (registers the database check)
        from .engine import serve_interactive_events, serve_interactive_runs
        from .recording import record_trigger_events

        # Every service's record_and_announce writes its trigger events here, in
        # the service's transaction (core imports no app, so the engine plugs in).
        handover.register_recorder(record_trigger_events)
        # A bulk drain of any queue matches and runs what someone waits on between
        # its batches (core.lanes), the outbox's included.
        lanes.register_interactive_drain("1 events", serve_interactive_events)
        lanes.register_interactive_drain("2 runs", serve_interactive_runs)

    def install_defaults(self) -> None:
        """The default playbooks, sweep rules and schedules (core.defaults.install_defaults)."""
        from .catalogue import install_missing_defaults

        install_missing_defaults()
