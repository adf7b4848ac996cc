"""Slack as a staff-alert channel: who gets a Slack copy of an alert, and its recipient names.

A staff member with a Slack incoming webhook in their alert settings gets every alert
that reaches their inbox there too, as it does (at once, or as their digest); an
escalation always at once. A team channel (the admin's Slack channels) gets each alert
of the kinds it chose, at once. The posts are outbox messages like any other (unique
per cause, recipient and channel), sent by notifications.transports.slack.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .integration_models import PersonalSlack, SlackChannel
from .models import MessageTemplate

USER_PREFIX = "slack:user:"
CHANNEL_PREFIX = "slack:channel:"


def user_recipient(user_id: int) -> str:
    return f"{USER_PREFIX}{user_id}"


def channel_recipient(channel_id: int) -> str:
    return f"{CHANNEL_PREFIX}{channel_id}"


def users_with_slack(user_ids: list[int]) -> set[int]:
    """Which of these users have a Slack webhook in their alert settings (one query)."""
    if not user_ids:
        return set()
    return set(PersonalSlack.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))


def with_slack_flag(users: QuerySet) -> QuerySet:
    """The users, each with `on_slack`: whether they have a Slack webhook (no extra query)."""
    return users.annotate(on_slack=Exists(PersonalSlack.objects.filter(user=OuterRef("pk"))))


def team_channels_for(template: MessageTemplate) -> list[int]:
    """The active team channels that take this kind of alert: those that chose it, and
    those that chose none (every kind). One query."""
    chosen = Q(kinds=template) | Q(kinds=None)
    return list(
        SlackChannel.objects.filter(chosen, active=True)
        .order_by("pk")
        .distinct()
        .values_list("pk", flat=True)
    )


def current_slack_url(user) -> str:
    """The user's Slack webhook URL, "" for none."""
    found = PersonalSlack.objects.filter(user=user).values_list("webhook_url", flat=True).first()
    return found or ""


def save_slack_url(*, user, url: str) -> None:
    """Keep the user's Slack webhook (already validated), or forget it when `url` is empty."""
    if url:
        PersonalSlack.objects.update_or_create(user=user, defaults={"webhook_url": url})
    else:
        PersonalSlack.objects.filter(user=user).delete()
