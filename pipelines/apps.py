from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    """Pipelines of ordered stages; each account has one card per pipeline."""

    name = "pipelines"
    verbose_name = "Pipelines"

    def ready(self) -> None:
        from accounts.signals import health_status_set

        from .services import follow_health_status

        def card_follows(sender, **facts) -> None:
            follow_health_status(**facts)

        health_status_set.connect(card_follows, dispatch_uid="pipelines.card_follows_health")

    def install_defaults(self) -> None:
        """The default pipelines and stages that are missing (core.defaults.install_defaults)."""
        from .defaults import install_default_pipelines
        from .models import Pipeline, Stage

        install_default_pipelines(Pipeline, Stage)
