from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Customer messages and staff alerts, through one outbox.

    Its models arrive with the notifications issue.
    """

    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from core import lanes

        from . import checks  # noqa: F401  (registers the deployment check)
        from .delivery import serve_interactive_messages

        # Every bulk drain delivers the messages someone waits on between its batches.
        lanes.register_interactive_drain("3 outbox", serve_interactive_messages)

    def install_defaults(self) -> None:
        """The default message templates, the outbox's and the digests' schedules
        (core.defaults)."""
        from django_q.models import Schedule

        from core.schedules import upsert_schedule

        from .catalogue import install_default_templates
        from .digests import DIGEST_SCHEDULE
        from .models import MessageTemplate

        install_default_templates(MessageTemplate)
        upsert_schedule(
            Schedule,
            name="Outbox: deliver due messages",
            func="notifications.tasks.deliver_due_messages",
            minutes=1,
        )
        upsert_schedule(Schedule, **DIGEST_SCHEDULE)
