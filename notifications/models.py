"""Message templates, the outbox of every outgoing message, and staff alerts."""

from django.conf import settings
from django.db import models

from accounts.models import Account, Contact
from core.causes import CausedModel
from core.lanes import Lane


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    IN_APP = "in_app", "In-app alert"  # an item in a staff member's inbox


class Audience(models.TextChoices):
    CUSTOMER = "customer", "Customer"  # a contact at the account
    STAFF = "staff", "Staff"  # the team: alerts, reminders, escalations


class MessageTemplate(models.Model):
    """An editable text for one kind of message, rendered with Django's template engine.

    E-mail uses subject, text and optional HTML; SMS uses the text only; an
    in-app alert uses the subject as its title and the text as its body.
    """

    key = models.SlugField(max_length=80, unique=True, help_text="How workflows refer to it.")
    name = models.CharField(max_length=120)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    transactional = models.BooleanField(
        default=False,
        help_text="Transactional messages (payments, appointments, requests the customer "
        "made) are sent even to contacts who unsubscribed from other e-mail.",
    )
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True, help_text="Optional; plain text is always sent.")
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
