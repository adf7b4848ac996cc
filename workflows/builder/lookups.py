"""What the builder's pickers offer, read once per page whatever the number of steps.

Each list is one query, asked on first use and kept: a page with forty steps reads
the message templates once, not forty times.
"""

from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Segment, Tag
from booking.models import MeetingKind
from notifications.integration_models import WebhookEndpoint
from notifications.models import Audience, MessageTemplate
from pipelines.models import Pipeline
from surveys.models import Survey
from workqueue.models import SignalType


class Lookups:
    """Templates, tags, stages, roles, staff, signal types, segments, meeting kinds,
    webhook endpoints and surveys for one page."""

    @cached_property
    def templates(self) -> list[dict]:
        rows = MessageTemplate.objects.order_by("key").values(
            "pk", "key", "name", "channel", "audience"
        )
        return [
            {
                **row,
                "preview": reverse("admin:notifications_messagetemplate_preview", args=[row["pk"]]),
            }
            for row in rows
        ]

    def template_choices(self, *, audience: str, channel: str | None = None) -> list[tuple]:
        return [
            (t["key"], f"{t['name']} ({t['key']})")
            for t in self.templates
            if t["audience"] == audience and (channel is None or t["channel"] == channel)
        ]

    def previews(self) -> dict[str, str]:
        """Each template's preview page, by key (the picker's link follows the choice)."""
        return {t["key"]: t["preview"] for t in self.templates}

    @cached_property
    def tags(self) -> list[str]:
        return list(Tag.objects.order_by("name").values_list("name", flat=True))

    @cached_property
    def stages(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Each pipeline with its stages, as grouped choices: value "pipeline-key|Stage"."""
        pipelines = Pipeline.objects.prefetch_related("stages").order_by("position", "name")
        return [
            (
                pipeline.name,
                [(f"{pipeline.key}|{stage.name}", stage.name) for stage in pipeline.stages.all()],
            )
            for pipeline in pipelines
        ]

    @cached_property
    def roles(self) -> list[str]:
        return list(Group.objects.order_by("name").values_list("name", flat=True))

    @cached_property
    def staff(self) -> list[tuple[int, str]]:
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        return [
            (pk, f"{first} {last}".strip() or username)
            for pk, username, first, last in users.values_list(
                "pk", "username", "first_name", "last_name"
            )
        ]

    @cached_property
    def signal_types(self) -> list[tuple[str, str]]:
        return list(SignalType.objects.order_by("title").values_list("reason", "title"))

    @cached_property
    def segments(self) -> list[tuple[str, str]]:
        """Shared segments (a playbook is the team's: a private one would change under it)."""
        return list(
            Segment.objects.filter(is_shared=True).order_by("name").values_list("slug", "name")
        )

    @cached_property
    def meeting_kinds(self) -> list[dict]:
        """Every meeting kind, switched off or not (a step may still name an old one)."""
        return list(
            MeetingKind.objects.order_by("name").values(
                "slug", "name", "duration_minutes", "is_active"
            )
        )

    @cached_property
    def webhook_endpoints(self) -> list[dict]:
        return list(WebhookEndpoint.objects.order_by("name", "key").values("key", "name", "active"))

    @cached_property
    def surveys(self) -> list[dict]:
        """Each survey with its page (questions and results), by key."""
        rows = Survey.objects.order_by("name").values("pk", "key", "name")
        return [{**row, "page": reverse("surveys:results", args=[row["pk"]])} for row in rows]


STAFF = Audience.STAFF
CUSTOMER = Audience.CUSTOMER
