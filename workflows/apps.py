from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    """The automation engine: triggers, workflows as data, and their runs."""

    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        from core.events import record_in_transaction

        from .recording import record_from_signals

        # Trigger events are written in the same transaction as the change.
        record_in_transaction(record_from_signals)

    def install_defaults(self) -> None:
        """The default playbooks, sweep rules and schedules (core.defaults.install_defaults)."""
        from .catalogue import install_missing_defaults

        install_missing_defaults()
