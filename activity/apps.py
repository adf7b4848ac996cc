from django.apps import AppConfig


class ActivityConfig(AppConfig):
    """What customers do (logins, feature use, payments, appointments,
    feedback) and the tasks the team does for them."""

    name = "activity"
    verbose_name = "Activity"
