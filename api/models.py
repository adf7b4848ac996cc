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


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class SegmentMapping(models.Model):
    """How Segment calls (`group`, `identify`, `track`, `page`) become OpenCSM records.

    One row, edited in the admin (Integrations → Segment mapping); until it is
    saved the defaults below apply. `group` is always an account (groupId = the
    account's external id) and `identify` a contact (userId = its external id);
    a `track` event named here becomes a sign-up, a login or feature use, and
    any other `track` or `page` call a custom product event.
    """

    class DurationUnit(models.TextChoices):
        SECONDS = "seconds", "Seconds"
        MINUTES = "minutes", "Minutes"

    signed_up_events = models.CharField(
        max_length=500,
        default="Signed Up",
        help_text="Track events that are a sign-up (comma-separated).",
    )
    login_events = models.CharField(
        max_length=500, default="Logged In, Signed In", help_text="Track events that are a login."
    )
    feature_events = models.CharField(
        max_length=500, default="Feature Used", help_text="Track events that are feature use."
    )
    feature_property = models.CharField(
        max_length=100, default="feature", help_text="The property naming the feature (its key)."
    )
    duration_property = models.CharField(
        max_length=100, default="duration", help_text="The property with the time spent."
    )
    duration_unit = models.CharField(
        max_length=10, choices=DurationUnit.choices, default=DurationUnit.SECONDS
    )
    account_trait = models.CharField(
        max_length=100,
        default="account_id",
        help_text="For identify/track without context.groupId: the trait or property "
        "naming the account's external id.",
    )
    plan_trait = models.CharField(max_length=100, default="plan", help_text="Group trait: plan.")
    mrr_trait = models.CharField(max_length=100, default="mrr", help_text="Group trait: MRR.")

    class Meta:
        verbose_name = "Segment mapping"

    def __str__(self) -> str:
        return "Segment mapping"

    def kind_of_track(self, event: str) -> str:
        """What a track event named `event` is: signed_up, login, feature or custom."""
        if getattr(self, "_kinds", None) is None:  # read once per mapping (once a request)
            self._kinds = {
                name: kind
                for kind, names in (
                    ("feature", self.feature_events),
                    ("login", self.login_events),
                    ("signed_up", self.signed_up_events),
                )
                for name in _names(names)
            }
        return self._kinds.get(event, "custom")
