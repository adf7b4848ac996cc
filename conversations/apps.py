from django.apps import AppConfig

SCHEDULES = [
    # Every minute: the contact's unread messages older than 10 minutes go out by e-mail,
    # and threads waiting past their first-response time alert the owner, then the manager.
    ("Conversations: e-mail unread messages", "conversations.tasks.email_unread_messages", 1),
    ("Conversations: first-response time-outs", "conversations.tasks.first_response_timeouts", 1),
]


class ConversationsConfig(AppConfig):
    """Chat between a contact and the account's team: the widget, the portal thread and the
    staff's Conversations page."""

    name = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment check)

    def install_defaults(self) -> None:
        """The sweeps' schedules (core.defaults); templates and the playbook come with the
        notifications and workflows catalogues."""
        from django_q.models import Schedule

        from core.schedules import upsert_schedule

        for name, func, minutes in SCHEDULES:
            upsert_schedule(Schedule, name=name, func=func, minutes=minutes)
