from django.apps import AppConfig


class LiveConfig(AppConfig):
    """The real-time layer: signed tickets, publish on commit, one WebSocket consumer."""

    name = "core.live"
    label = "live"
    verbose_name = "Live updates"
