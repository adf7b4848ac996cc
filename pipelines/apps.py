from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    """Pipelines of ordered stages; each account has one card per pipeline."""

    name = "pipelines"
    verbose_name = "Pipelines"
