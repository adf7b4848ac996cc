"""Where outbound integrations deliver: webhook endpoints and Slack destinations.

Admins configure them; the outbox's webhook and Slack transports read them when
they send, so a URL or secret changed (or an endpoint switched off) applies to
every message still waiting.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def new_webhook_secret() -> str:
    """A fresh signing secret, shaped like Stripe's (`whsec_…`)."""
    return f"whsec_{secrets.token_urlsafe(32)}"


class WebhookEndpoint(models.Model):
    """A receiver the workflow step "Call a webhook" POSTs signed JSON to."""

    key = models.SlugField(
        max_length=80, unique=True, help_text="How a workflow step names this endpoint."
    )
    name = models.CharField(max_length=120)
    url = models.URLField("URL", max_length=500, help_text="http:// or https://.")
    secret = models.CharField(
        max_length=200,
        default=new_webhook_secret,
        help_text="Signs every delivery (OpenCSM-Signature); give it to the receiver.",
    )
    allow_private = models.BooleanField(
        "allow private addresses",
        default=False,
        help_text="Off: a URL whose host resolves to a private, loopback or link-local "
        "address is refused (it could reach this server's own network).",
    )
    active = models.BooleanField(
        default=True, help_text="Off: deliveries are kept as suppressed and not sent."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "key"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"


def validate_slack_url(value: str) -> None:
    """A Slack incoming-webhook URL (`SLACK_WEBHOOK_URL_PREFIX`): nothing else is called,
    so a user's alert settings cannot point OpenCSM at an internal address."""
    prefix = settings.SLACK_WEBHOOK_URL_PREFIX
    if not value.startswith(prefix) or len(value) <= len(prefix):
        raise ValidationError(
            f"A Slack incoming-webhook URL starts with {prefix} (Slack: Apps, "
            "Incoming Webhooks, Add New Webhook to Workspace).",
            code="not_slack",
        )


class SlackChannel(models.Model):
    """A team channel that receives staff alerts, through its incoming webhook."""

    name = models.CharField(max_length=80, help_text="e.g. #cs-alerts")
    webhook_url = models.CharField(
        "incoming-webhook URL", max_length=500, validators=[validate_slack_url]
    )
    kinds = models.ManyToManyField(
        "notifications.MessageTemplate",
        blank=True,
        limit_choices_to={"audience": "staff"},
        help_text="The kinds of alert posted here, as they happen; none chosen: every kind.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "Slack channel"

    def __str__(self) -> str:
        return self.name


class PersonalSlack(models.Model):
    """A staff member's own Slack incoming webhook (their alert settings): their alerts,
    digests and escalations are posted there too, as they reach their inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_slack"
    )
    webhook_url = models.CharField(
        "Slack incoming-webhook URL", max_length=500, validators=[validate_slack_url]
    )

    class Meta:
        verbose_name = "personal Slack webhook"

    def __str__(self) -> str:
        return f"Slack for {self.user}"
