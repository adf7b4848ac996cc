"""API tokens and the record of every input accepted from outside."""

from django.conf import settings
from django.db import models

from accounts.models import Account


class ApiToken(models.Model):
    """A secret the SaaS product sends as `Authorization: Bearer …`.

    Only its SHA-256 is stored: the token is shown once, when created.
    """

    name = models.CharField(max_length=100, help_text="Who uses it, e.g. 'Production app'.")
    prefix = models.CharField(max_length=12, help_text="The token's first characters.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class InboundEvent(models.Model):
    """An input accepted from a sender, by the sender's own event id.

    (sender, event_id) is unique: a repeated id is acknowledged and ignored.
    The sender is the system whose ids they are: the SaaS product, whichever
    of its tokens it used (a rotated token replays nothing), or Stripe.
    Refused inputs are not kept, so the sender can correct and resend them.
    """

    sender = models.CharField(max_length=40, help_text="'product' (the API) or 'stripe'.")
    event_id = models.CharField(max_length=200)
    # Which credential it came with, for audit (what did a leaked token send?).
    # No index: tokens are revoked, seldom deleted, and this table takes every
    # event; deleting one scans it once.
    token = models.ForeignKey(
        ApiToken,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        help_text="The API token it was sent with (empty for Stripe, or once deleted).",
    )
    kind = models.CharField(max_length=60)
    # No index of its own: the (account, received_at) index below leads with it.
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_events",
        db_index=False,
    )
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "event_id"], name="inbound_event_once"),
        ]
        indexes = [models.Index(fields=["account", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id} from {self.sender}"


class StripeDecline(models.Model):
    """Why Stripe says a payment attempt failed (`charge.failed`, `payment_intent.payment_failed`).

    Stripe's `invoice.payment_failed` names its attempt by id only (`charge`,
    `payment_intent`), and the attempt's own event may come before or after it.
    Whichever arrives second joins them: the invoice's failed payment gets this
    code as its reason (activity.services.payments.add_failure_reason).
    """

    charge_id = models.CharField(max_length=200, blank=True, db_index=True)
    payment_intent_id = models.CharField(max_length=200, blank=True, db_index=True)
    invoice_id = models.CharField(max_length=200, blank=True, db_index=True)
    code = models.CharField(max_length=100)
    attempted_at = models.DateTimeField()
    # The event that told us, so a redelivery is recorded once.
    event_id = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["-attempted_at"]

    def __str__(self) -> str:
        return f"{self.charge_id or self.payment_intent_id}: {self.code}"
