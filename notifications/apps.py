from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Customer messages and staff alerts, through one outbox.

    Its models arrive with the notifications issue.
    """

    name = "notifications"
    verbose_name = "Notifications"
