"""Conversations: a chat thread between one contact and the account's team.

The thread keeps its own counters and read markers (each side's last read
message id), so the Conversations page and the navbar read one row per
thread, never its messages.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual

# Longest message either side may send (characters); a longer one is refused, not cut.
MESSAGE_MAX_LENGTH = 4000
PREVIEW_LENGTH = 140


class ConversationStatus(models.TextChoices):
    OPEN = "open", "Open"  # the contact or the team is still talking
    CLOSED = "closed", "Closed"  # a CSM closed it; the contact's next message opens a new one


class Conversation(models.Model):
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="conversations"
    )
    contact = models.ForeignKey(
        "accounts.Contact", on_delete=models.CASCADE, related_name="conversations"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    status = models.CharField(
        max_length=8, choices=ConversationStatus.choices, default=ConversationStatus.OPEN
    )
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField()
    last_message_preview = models.CharField(max_length=PREVIEW_LENGTH, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_staff_message_at = models.DateTimeField(null=True, blank=True)
    # Read markers: the id of the newest message each side has seen, and how many of the
    # other side's messages came after it (what the badges show).
    staff_read_upto = models.BigIntegerField(default=0)
    contact_read_upto = models.BigIntegerField(default=0)
    staff_unread = models.PositiveIntegerField(default=0)
    contact_unread = models.PositiveIntegerField(default=0)
    # Waiting for the team: since the first customer message no staff reply has followed,
    # and when the first-response time-out alerts the owner, then the manager
    # (business hours, computed when the wait began: conversations.business_hours).
    awaiting_since = models.DateTimeField(null=True, blank=True)
    awaiting_message_id = models.BigIntegerField(null=True, blank=True)
    response_due_at = models.DateTimeField(null=True, blank=True)
    escalation_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-last_message_at"], name="conv_status_recent"),
            models.Index(
                fields=["assignee", "status", "-last_message_at"], name="conv_assignee_recent"
            ),
            models.Index(fields=["account", "-last_message_at"], name="conv_account_recent"),
            models.Index(
                fields=["response_due_at"],
                condition=models.Q(awaiting_since__isnull=False),
                name="conv_waiting_for_reply",
            ),
            models.Index(
                fields=["assignee", "account"],
                condition=models.Q(staff_unread__gt=0, status="open"),
                name="conv_unread_for_staff",
            ),
        ]
        constraints = [
            # A contact has one open thread: a second visit continues it.
            models.UniqueConstraint(
                fields=["contact"],
                condition=models.Q(status="open"),
                name="one_open_conversation_per_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ConversationStatus.values),
                name="conversation_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Conversation #{self.pk} with {self.contact_id}"


class AuthorKind(models.TextChoices):
    CONTACT = "contact", "Customer"  # the contact, from the widget or the portal
    STAFF = "staff", "Team member"  # a CSM replying on the Conversations page
    WORKFLOW = "workflow", "Playbook"  # a playbook's "send a chat message" step


class Message(models.Model):
    """One message. Its body is plain text: shown as text everywhere, never as HTML."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author_kind = models.CharField(max_length=8, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_messages",
    )
    run_id = models.BigIntegerField(null=True, blank=True)  # the playbook run that wrote it
    body = models.TextField()
    created_at = models.DateTimeField()
    # What makes a message once: a playbook step's key, or the widget's id for a send, so a
    # retried request or step adds nothing. Empty: no key.
    dedupe_key = models.CharField(max_length=120, blank=True)
    # When the offline e-mail about it was queued (contact side only; exactly once).
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A one-question poll a playbook posted (a survey's first question): {"choices":
    # [{"label", "url"}]}, each url the survey send's signed answer link with that
    # answer chosen. Empty: a plain message.
    poll = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["conversation", "id"], name="chat_message_thread"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True) & ~models.Q(author_kind="contact"),
                name="chat_message_not_emailed",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="chat_message_once_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(author_kind__in=AuthorKind.values),
                name="chat_message_author_known",
            ),
            # Plain text of 1 to MESSAGE_MAX_LENGTH characters (the service says why it refuses).
            models.CheckConstraint(
                condition=models.Q(GreaterThan(Length("body"), 0))
                & models.Q(LessThanOrEqual(Length("body"), MESSAGE_MAX_LENGTH)),
                name="chat_message_body_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_author_kind_display()}: {self.body[:40]}"


class SavedReply(models.Model):
    """A canned answer the team inserts into a reply and edits before sending."""

    title = models.CharField(max_length=100, unique=True)
    body = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "saved replies"

    def __str__(self) -> str:
        return self.title
