"""Customer accounts, the people at them, and the labels on them."""

from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from core.causes import CausedModel


class Plan(models.TextChoices):
    # The SaaS product's plans, cheapest first.
    FREE = "free", "Free"
    STARTER = "starter", "Starter"
    PRO = "pro", "Pro"
    BUSINESS = "business", "Business"
    ENTERPRISE = "enterprise", "Enterprise"


class HealthStatus(models.TextChoices):
    # Set by hand by a CS manager (playbook b1); mirrors the Customer Health
    # Status pipeline. Empty until someone has assessed the account.
    THRIVING = "thriving", "Thriving"
    HEALTHY = "healthy", "Healthy"
    STEADY = "steady", "Steady"
    STRUGGLING = "struggling", "Struggling"


class Happiness(models.TextChoices):
    # Derived from the customer's latest NPS answer (playbook b2).
    VERY_HAPPY = "very_happy", "Very Happy"
    HAPPY = "happy", "Happy"
    NEUTRAL = "neutral", "Neutral"
    NOT_HAPPY = "not_happy", "Not Happy"


class Milestone(models.TextChoices):
    # The highest score milestone ever reached (playbook b3); never goes down.
    STARTER = "starter", "Starter"
    MODERATE = "moderate", "Moderate"
    PRO = "pro", "Pro"
    ADVANCED = "advanced", "Advanced"


class Lifecycle(models.TextChoices):
    ACTIVE = "active", "Active"  # a paying or trialling customer
    CHURNED = "churned", "Churned"  # cancelled their subscription


@cache
def _timezone_names() -> frozenset[str]:
    # Read once: listing them walks the whole tz database (tens of ms a call).
    return frozenset(available_timezones())


def timezone_names() -> list[str]:
    """Every IANA timezone name, sorted (for choosing one)."""
    return sorted(_timezone_names())


def validate_timezone(value: str) -> None:
    """Accept only IANA timezone names, so reminders land at the customer's hour."""
    if value and value not in _timezone_names():
        raise ValidationError(f"{value!r} is not a timezone name such as Europe/Berlin.")


class Account(models.Model):
    """One customer of the SaaS product (a "sub-account" there)."""

    name = models.CharField(max_length=200)
    external_id = models.CharField(
        max_length=100, unique=True, help_text="The SaaS product's id for this account."
    )
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    mrr = models.DecimalField(
        "MRR", max_digits=12, decimal_places=2, default=0, help_text="Monthly recurring revenue."
    )
    currency = models.CharField(max_length=3, default="USD")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
        help_text="The CSM responsible for this account.",
    )
    signed_up_at = models.DateTimeField()
    last_login_at = models.DateTimeField(null=True, blank=True)
    # When someone on the team last logged a call, meeting or note (workqueue.Touch).
    last_touch_at = models.DateTimeField(null=True, blank=True, editable=False)
    health_status = models.CharField(max_length=16, choices=HealthStatus.choices, blank=True)
    happiness = models.CharField(max_length=16, choices=Happiness.choices, blank=True)
    # The score ledger's sum, kept in step by scoring.services.add_points only.
    score = models.IntegerField(default=0, editable=False)
    milestone = models.CharField(max_length=16, choices=Milestone.choices, blank=True)
    lifecycle = models.CharField(max_length=16, choices=Lifecycle.choices, default=Lifecycle.ACTIVE)
    # When the live subscription renews next (its current period's end, in the
    # team's timezone), kept by accounts.services.record_subscription.
    renewal_date = models.DateField(null=True, blank=True)
    billing_customer_id = models.CharField(
        max_length=100,
        blank=True,
        help_text="The payment provider's customer id (e.g. Stripe's cus_…), to match webhooks.",
    )
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="IANA name, e.g. Europe/Berlin; empty = team's zone.",
    )
    tags = models.ManyToManyField("Tag", through="AccountTag", related_name="accounts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # The account list's default order: its first page is read off this index
            # instead of sorting every account (76 ms at 100,000 on PostgreSQL).
            models.Index(fields=["name"]),
            models.Index(fields=["owner", "name"]),
            models.Index(fields=["health_status"]),
            models.Index(fields=["happiness"]),
            models.Index(fields=["milestone"]),
            models.Index(fields=["plan"]),
            models.Index(fields=["lifecycle", "last_login_at"]),
            models.Index(fields=["score"]),
            models.Index(fields=["signed_up_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(mrr__gte=0), name="account_mrr_not_negative"),
            models.UniqueConstraint(
                fields=["billing_customer_id"],
                condition=~models.Q(billing_customer_id=""),
                name="account_billing_customer_unique",
            ),
        ]
        permissions = [
            ("change_health_status", "Can change an account's health status by hand"),
            ("assign_owner", "Can assign an account's owner"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at an account. Customer messages go to the primary contact."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text="E.164, e.g. +14155550100.")
    is_primary = models.BooleanField(default=False)
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        indexes = [models.Index(fields=["email"])]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(is_primary=True),
                name="one_primary_contact_per_account",
            ),
            models.UniqueConstraint(
                fields=["account", "external_id"],
                condition=~models.Q(external_id=""),
                name="contact_external_id_unique_per_account",
            ),
            models.UniqueConstraint(
                "account",
                Lower("email"),
                condition=~models.Q(email=""),
                name="contact_email_unique_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else self.name


class OptOutChannel(models.TextChoices):
    EMAIL = "email", "E-mail"  # stops every non-transactional e-mail to the address
    SMS = "sms", "SMS"  # stops every SMS to the number, transactional or not


def normalized_address(channel: str, address: str) -> str:
    """The form an address is compared in: e-mail case-insensitively, a phone by its digits.

    "Jordan@ACME.example" and "jordan@acme.example" are one inbox, "+1 (415)
    555-0100" and "+14155550100" one phone: an opt-out must cover every spelling.
    """
    address = address.strip()
    if channel == OptOutChannel.EMAIL:
        return address.lower()
    digits = "".join(ch for ch in address if ch.isdigit())
    return f"+{digits}" if digits else ""


class OptOut(CausedModel):
    """An address that asked for no more messages on a channel, on every account listing it.

    Set by the person (unsubscribe link, STOP reply); the outbox checks it for
    every message whichever contact row the address sits on. Deleting the row
    (admin) subscribes the address again, which only the person may ask for.
    """

    channel = models.CharField(max_length=8, choices=OptOutChannel.choices)
    address = models.CharField(max_length=254, help_text="Normalized: lower-case e-mail, +digits.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="one_opt_out_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.get_channel_display()})"


class Tag(models.Model):
    """A label on accounts, e.g. `Active SaaS` or `Payment Failed`."""

    name = models.CharField(max_length=80)
    color = models.CharField(max_length=16, default="secondary", help_text="A Bootstrap colour.")
    description = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountTag(models.Model):
    """A tag currently on an account; its history is in TagEvent."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="account_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="account_tags")
    added_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "tag"], name="tag_once_per_account"),
        ]
        indexes = [models.Index(fields=["tag", "account"])]

    def __str__(self) -> str:
        return f"{self.tag} on {self.account}"


class TagAction(models.TextChoices):
    ADDED = "added", "Added"
    REMOVED = "removed", "Removed"


class TagEvent(CausedModel):
    """One tag added to or removed from an account, and why."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tag_events")
    # PROTECT: a tag with history is renamed, not deleted, so the history stays.
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=8, choices=TagAction.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.tag} {self.action} on {self.account}"


class HealthStatusChange(CausedModel):
    """A manual change of an account's health status (input of playbook b1)."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="health_status_changes"
    )
    from_status = models.CharField(max_length=16, choices=HealthStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=HealthStatus.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.from_status or '—'} → {self.to_status}"


class HappinessChange(CausedModel):
    """A change of an account's happiness level (from feedback, playbook b2)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="happiness_changes")
    from_level = models.CharField(max_length=16, choices=Happiness.choices, blank=True)
    to_level = models.CharField(max_length=16, choices=Happiness.choices)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.from_level or '—'} → {self.to_level}"


class AccountEventKind(models.TextChoices):
    SIGNED_UP = "signed_up", "Signed up"  # the SaaS product reported a new account
    PLAN_CHANGED = "plan_changed", "Plan changed"  # data: from/to plan and MRR
    CANCELLED = "cancelled", "Subscription cancelled"  # lifecycle became churned
    REACTIVATED = "reactivated", "Reactivated"  # lifecycle became active again; data: how
    # data: subscription id, from/to status, plan, MRR, renewal (a billing provider's report)
    SUBSCRIPTION_CHANGED = "subscription_changed", "Subscription changed"
    CONTACT_CHANGED = "contact_changed", "Contact changed"  # data: contact id, changed fields
    UPDATED = "updated", "Details changed"  # data: {field: [old, new]} (name, owner, …)
    # data: affiliate id, joined at (the product's affiliate.joined event; once per account)
    AFFILIATE_JOINED = "affiliate_joined", "Joined the affiliate programme"


class AccountEvent(CausedModel):
    """A change to the account record itself, for its timeline and audit."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=AccountEventKind.choices)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.get_kind_display()}"


class SubscriptionStatus(models.TextChoices):
    # The billing provider's statuses (Stripe's, which others resemble).
    INCOMPLETE = "incomplete", "Incomplete"  # first payment not made yet
    INCOMPLETE_EXPIRED = "incomplete_expired", "Incomplete, expired"  # never started: ended
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"  # a renewal payment failed; being retried
    UNPAID = "unpaid", "Unpaid"  # retries exhausted, still open
    PAUSED = "paused", "Paused"
    CANCELED = "canceled", "Canceled"  # ended


# A customer still: an account with one of these is not churned.
LIVE_SUBSCRIPTION_STATUSES = frozenset(
    [
        SubscriptionStatus.TRIALING,
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.UNPAID,
        SubscriptionStatus.PAUSED,
    ]
)
# Paying: these count towards the account's MRR (a trial or a pause pays nothing yet).
MRR_SUBSCRIPTION_STATUSES = frozenset([SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE])
ENDED_SUBSCRIPTION_STATUSES = frozenset(
    [SubscriptionStatus.CANCELED, SubscriptionStatus.INCOMPLETE_EXPIRED]
)


class Subscription(models.Model):
    """One of the account's subscriptions at the billing provider, as last reported.

    The account's lifecycle, MRR, plan and renewal date are derived from these
    rows (accounts.services.record_subscription): one cancelled subscription
    does not churn an account that keeps another.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="subscriptions")
    external_id = models.CharField(max_length=200, unique=True, help_text="e.g. Stripe's sub_…")
    status = models.CharField(max_length=24, choices=SubscriptionStatus.choices)
    # Empty when none of its prices maps to a plan (see PlanMapping).
    plan = models.CharField(max_length=16, choices=Plan.choices, blank=True)
    mrr = models.DecimalField("MRR", max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="USD")
    # [{"price": id, "product": id, "quantity": n, "monthly": "…"}], for display and audit.
    items = models.JSONField(default=list, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    # The provider's time for the report applied last: an older report that
    # arrives late (webhooks come in any order) changes nothing.
    reported_at = models.DateTimeField()
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["account", "-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mrr__gte=0), name="subscription_mrr_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.external_id} ({self.status})"


class PlanMapping(models.Model):
    """Which OpenCSM plan a billing provider's price or product stands for.

    Looked up before a price's `lookup_key` and the metadata's `plan`, so a team
    whose Stripe prices carry neither can still map them. A price id wins over
    its product's id.
    """

    billing_id = models.CharField(
        "price or product id",
        max_length=200,
        unique=True,
        help_text="Stripe's price_… or prod_… id.",
    )
    plan = models.CharField(max_length=16, choices=Plan.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["billing_id"]

    def __str__(self) -> str:
        return f"{self.billing_id} → {self.get_plan_display()}"


class StaffProfile(models.Model):
    """What the team needs to know about a staff user beyond Django's user: whom they report
    to (escalations about their accounts go there) and their timezone (their daily digest
    arrives at 08:00 there)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    reports_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_reports",
        verbose_name="reports to",
        help_text="Their manager: escalations about accounts they own go to this person "
        "(without one, to everyone in the Manager role).",
    )
    timezone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_timezone],
        help_text="For the daily alert digest (08:00 here); empty: the team's timezone.",
    )

    class Meta:
        verbose_name = "staff profile"

    def __str__(self) -> str:
        return f"Staff profile of {self.user}"

    def clean(self) -> None:
        if self.reports_to_id and self.reports_to_id == self.user_id:
            raise ValidationError({"reports_to": "Nobody reports to themselves."})


class Segment(models.Model):
    """A saved set of the account list's filters (accounts.filters.AccountFilter), by name.

    `filters` is the list's query string as a dict of lists (what the list was showing
    when it was saved), re-applied every time, so a segment's members are always live.
    Private to its owner unless shared; the API sees shared segments only.
    """

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="segments"
    )
    is_shared = models.BooleanField(
        "shared", default=False, help_text="Shared: the whole team sees and uses it."
    )
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


# --- custom dates (#18: date-relative triggers) ------------------------------------------


class DateAttribute(models.Model):
    """A date a team keeps on its accounts besides the built-in ones ("Go-live", "Contract
    end"): defined here once by an admin, then given a value per account (AccountDate),
    and usable by a workflow's "N days before/after a date" trigger as `date:<key>`."""

    key = models.SlugField(max_length=40, unique=True, help_text="e.g. go_live; used by workflows.")
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["label", "key"]

    def __str__(self) -> str:
        return self.label


class AccountDate(models.Model):
    """One account's value of a DateAttribute (at most one each), set by
    accounts.services.set_account_date."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="dates")
    attribute = models.ForeignKey(DateAttribute, on_delete=models.CASCADE, related_name="values")
    value = models.DateField()

    class Meta:
        ordering = ["attribute", "account"]
        constraints = [
            models.UniqueConstraint(fields=["account", "attribute"], name="account_date_once"),
        ]
        indexes = [
            # The date sweep's probe: every account whose value falls in a range of days.
            models.Index(fields=["attribute", "value"]),
        ]

    def __str__(self) -> str:
        return f"{self.attribute} of {self.account}: {self.value}"
