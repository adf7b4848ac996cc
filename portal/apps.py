from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer's side: forms reached by signed links from messages, no login."""

    name = "portal"
    verbose_name = "Customer portal"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
