from django.apps import AppConfig


class ActivityConfig(AppConfig):
    """What customers do (logins, feature use, payments, appointments,
    feedback) and the tasks the team does for them."""

    name = "activity"
    verbose_name = "Activity"

    def install_defaults(self) -> None:
        """The starter feature catalogue, where missing (core.defaults.install_defaults)."""
        from .defaults import install_starter_features
        from .models import Feature

        install_starter_features(Feature)
