from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every domain app shares: the cause of a change, the clock, and
    domain events that leave only after commit."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
