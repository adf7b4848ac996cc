from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The customer's side: forms reached by signed links from messages, no login."""

    name = "portal"
    verbose_name = "Customer portal"
