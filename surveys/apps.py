from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Surveys and polls: questions managers build, sent by playbooks, answered by contacts."""

    name = "surveys"
    verbose_name = "Surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from activity.signals import feedback_submitted

        from . import receivers

        feedback_submitted.connect(receivers.feedback_submitted, dispatch_uid="surveys.history")

    def install_defaults(self) -> None:
        """The shipped NPS and CSAT surveys (core.defaults.install_defaults)."""
        from .defaults import install_shipped_surveys

        install_shipped_surveys()
