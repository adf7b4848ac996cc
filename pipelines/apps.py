from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    """Pipelines of ordered stages; each account has one card per pipeline."""

    name = "pipelines"
    verbose_name = "Pipelines"

    def install_defaults(self) -> None:
        """The default pipelines and stages that are missing (core.defaults.install_defaults)."""
        from .defaults import install_default_pipelines
        from .models import Pipeline, Stage

        install_default_pipelines(Pipeline, Stage)
