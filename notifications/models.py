"""Message templates, the outbox of every outgoing message, and staff alerts."""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from accounts.models import Account, Contact
from core.causes import CausedModel
from core.lanes import Lane


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    IN_APP = "in_app", "In-app alert"  # an item in a staff member's inbox
    WEBHOOK = "webhook", "Webhook"  # a signed POST to an endpoint an admin configured
    SLACK = "slack", "Slack"  # a staff alert posted to a Slack incoming webhook


# What a template can be written for: webhooks and Slack posts are built from other rows.
TEMPLATE_CHANNELS = [
    choice
    for choice in Channel.choices
    if choice[0] in (Channel.EMAIL, Channel.SMS, Channel.IN_APP)
]


class Audience(models.TextChoices):
    CUSTOMER = "customer", "Customer"  # a contact at the account
    STAFF = "staff", "Staff"  # the team: alerts, reminders, escalations


class AlertDelivery(models.TextChoices):
    """How a staff member receives alerts of one kind (their choice, else the kind's default)."""

    IMMEDIATE = "immediate", "At once"
    HOURLY = "hourly", "Hourly digest"
    DAILY = "daily", "Daily digest (08:00)"
    OFF = "off", "Off"


# A staff template's default only: escalations reach people at once, whatever they chose.
ALWAYS = "always"
TEMPLATE_DELIVERY = [*AlertDelivery.choices, (ALWAYS, "Always at once (an escalation)")]


class Priority(models.TextChoices):
    """Which automated customer message gets the room when a contact's cap is reached."""

    LIFECYCLE = "lifecycle", "Lifecycle (welcome, health check-in, win-back)"
    NUDGE = "nudge", "Nudge (tips, surveys, invitations)"


class MessageTemplate(models.Model):
    """An editable text for one kind of message, rendered with Django's template engine.

    E-mail uses subject, text and optional HTML; SMS uses the text only; an
    in-app alert uses the subject as its title and the text as its body.
    """

    key = models.SlugField(max_length=80, unique=True, help_text="How workflows refer to it.")
    name = models.CharField(max_length=120)
    channel = models.CharField(max_length=8, choices=TEMPLATE_CHANNELS)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    transactional = models.BooleanField(
        default=False,
        help_text="Transactional messages (payments, appointments, requests the customer "
        "made) are sent even to contacts who unsubscribed from other e-mail.",
    )
    priority = models.CharField(
        max_length=10,
        choices=Priority.choices,
        default=Priority.NUDGE,
        help_text="Non-transactional customer messages: when a contact's weekly cap is "
        "reached, lifecycle messages go first; nudges also wait over the weekend.",
    )
    # The outbox's repeat rule (notifications.caps): at most one message from this template
    # per account (and scope) in this many days, whichever playbook queues it; 0: none.
    repeat_days = models.PositiveSmallIntegerField(
        "at most once every (days)",
        default=0,
        validators=[MaxValueValidator(3650)],
        help_text="Customer messages: a repeat inside this many days is skipped; 0 for no limit.",
    )
    repeat_scope = models.CharField(
        "counted apart by",
        max_length=40,
        blank=True,
        help_text="A key of the trigger's data (e.g. feature_key): repeats count apart per "
        "value, so tips for each feature have their own window.",
    )
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, help_text="Optional; plain text is always sent.")
    staff_delivery = models.CharField(
        "delivery to staff",
        max_length=10,
        choices=TEMPLATE_DELIVERY,
        default=AlertDelivery.IMMEDIATE,
        help_text="Staff alerts only: how they arrive for someone who has not chosen in "
        "their alert settings.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()})"

    def clean(self) -> None:
        from .templating import validate_template

        validate_template(self)


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"  # waiting for a worker (or for its next attempt)
    SENDING = "sending", "Sending"  # claimed by a worker; outcome not yet known
    SENT = "sent", "Sent"  # the transport accepted it
    FAILED = "failed", "Failed"  # gave up; a manager can retry it
    SUPPRESSED = "suppressed", "Suppressed"  # not sent on purpose (opt-out); see last_error


class Message(CausedModel):
    """One outgoing message, written in the same transaction as its cause.

    `cause_key` names what caused it (a workflow step, an event); the
    database refuses a second message for the same cause, recipient and
    channel, so a replayed event or a retried task never sends twice.
    """

    channel = models.CharField(max_length=8, choices=Channel.choices)
    template = models.ForeignKey(
        MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    transactional = models.BooleanField(default=False)
    priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NUDGE, blank=True
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        help_text="The staff recipient, for staff messages.",
    )
    recipient = models.CharField(max_length=254, help_text="E-mail address, phone or user id.")
    cause_key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Files an e-mail carries, as [{"filename", "mimetype", "content"}] (text): a booking's
    # .ics invitation. Kept on the row so a retry sends the same file.
    attachments = models.JSONField(default=list, blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="Where an alert points to.")
    status = models.CharField(
        max_length=12, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    # Interactive (someone waits on it) or bulk, from its cause (core.lanes); a row
    # written without one is bulk.
    lane = models.CharField(max_length=12, choices=Lane.choices, default=Lane.BULK)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Why the outbox's policy (notifications.policy) held it: a cap or quiet hours.
    held_reason = models.TextField(blank=True)
    provider_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The Admin role's: the Development mail page (what the development backends kept).
        permissions = [("view_development_mail", "Can read the development mail folder")]
        constraints = [
            models.UniqueConstraint(
                fields=["cause_key", "recipient", "channel"], name="message_once_per_cause"
            ),
        ]
        indexes = [
            # The delivery sweep: queued rows whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["contact", "channel", "-created_at"]),
            # The caps: a contact's messages sent in the last days.
            models.Index(fields=["contact", "sent_at"], name="message_contact_sent"),
            # The drains' lease and the lanes' figures: queued rows by lane, oldest first.
            models.Index(
                fields=["lane", "next_attempt_at"],
                condition=models.Q(status="queued"),
                name="message_queued_by_lane",
            ),
        ]

    def __str__(self) -> str:
        summary = self.subject or self.body_text[:40]
        return f"{self.get_channel_display()} to {self.recipient}: {summary}"


class Alert(models.Model):
    """An item in a staff member's in-app inbox, delivered from an in-app message."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="alert")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The navbar's unread count and the inbox list.
        indexes = [models.Index(fields=["user", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class AlertPreference(models.Model):
    """One staff member's choice for one kind of alert (a staff template)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences"
    )
    kind = models.SlugField(max_length=80, help_text="The staff template's key.")
    delivery = models.CharField(max_length=10, choices=AlertDelivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="alert_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.get_delivery_display()}"


class Digest(models.Model):
    """The alerts of one kind to one person in one window, sent as one alert (and e-mail).

    The database refuses a second digest for the same (user, kind, window), and
    its messages are keyed by the digest, so a sweep that runs twice sends once.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.SlugField(max_length=80)
    due_at = models.DateTimeField(help_text="The end of the window: when it is sent.")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "due_at"], name="digest_once_per_window"
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"], name="digest_unsent_due", condition=models.Q(sent_at=None)
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} digest for {self.user} at {self.due_at:%Y-%m-%d %H:%M}"


class DigestItem(CausedModel):
    """One alert waiting for its digest: rendered when it happened, sent when the window ends."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.SlugField(max_length=80)
    due_at = models.DateTimeField()
    cause_key = models.CharField(max_length=200)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="digest_items"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    email = models.BooleanField(default=False, help_text="Asked for an e-mail copy too.")
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cause_key", "user", "kind"], name="digest_item_once_per_cause"
            ),
        ]
        indexes = [
            # The digest sweep: items not yet in a digest whose window has ended.
            models.Index(
                fields=["due_at"], name="digest_item_waiting", condition=models.Q(digest=None)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutboxPolicy(models.Model):
    """The team's limits on automated customer messages, for every playbook at once.

    One row (`current()`); the admin edits it. Applied by the outbox when it
    sends (notifications.policy): transactional messages are exempt.
    """

    weekly_cap = models.PositiveSmallIntegerField(
        "messages per contact per 7 days",
        default=3,
        help_text="Automated non-transactional messages per contact in any 7 days, "
        "e-mail and SMS counted apart.",
    )
    quiet_start = models.TimeField(default=time(20, 0), help_text="In the customer's timezone.")
    quiet_end = models.TimeField(default=time(8, 0))
    nudges_on_weekends = models.BooleanField(
        default=False, help_text="Off: nudges wait for Monday morning."
    )
    nudge_deadline_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="A nudge still held by the cap this long after it was queued is "
        "suppressed (quiet hours only ever defer).",
    )
    lifecycle_deadline_days = models.PositiveSmallIntegerField(default=14)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "outbox policy"

    def __str__(self) -> str:
        return (
            f"{self.weekly_cap} per 7 days; quiet {self.quiet_start:%H:%M}–{self.quiet_end:%H:%M}"
        )

    @classmethod
    def current(cls) -> "OutboxPolicy":
        """The policy in force: the row, or the defaults while none was saved."""
        return cls.objects.order_by("pk").first() or cls()


# The outbound integrations' settings (webhook endpoints, Slack destinations).
from .integration_models import PersonalSlack, SlackChannel, WebhookEndpoint  # noqa: E402, F401
