"""Activity records: the facts the SaaS product, customers and staff report.

Each record inherits `CausedModel`: `created_at` is when OpenCSM recorded it
and the cause says who reported it; the record's own time (`occurred_at`,
`starts_at` …) is when it happened. Each has a natural key enforced by the
database, so the same fact reported twice is stored once.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Account, Contact
from core.causes import CausedModel
from core.money import format_money


class Feature(models.Model):
    """A part of the SaaS product whose use OpenCSM scores and watches."""

    key = models.SlugField(max_length=64, unique=True, help_text="The SaaS product's name for it.")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    points = models.PositiveIntegerField(
        default=50, help_text="Score for a session of at least the scoring rules' minutes."
    )
    not_used_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(1)],
        help_text="An account that has not used it for this many days gets a nudge.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Login(CausedModel):
    """A customer signing in to the SaaS product."""

    # No index of its own: login_once leads with the account (one index fewer to
    # update per login, the most frequent insert there is).
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="logins", db_index=False
    )
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "occurred_at"], name="login_once"),
        ]

    def __str__(self) -> str:
        return f"{self.account} logged in at {self.occurred_at:%Y-%m-%d %H:%M}"


class FeatureSession(CausedModel):
    """Time an account spent in one feature in one sitting."""

    # No indexes of their own: feature_session_once leads with the account, the
    # sweep's index below with the feature.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="feature_sessions", db_index=False
    )
    feature = models.ForeignKey(
        Feature, on_delete=models.PROTECT, related_name="sessions", db_index=False
    )
    started_at = models.DateTimeField()
    minutes = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "feature", "started_at"], name="feature_session_once"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0), name="feature_session_positive_minutes"
            ),
        ]
        # "Last use of each feature per account" drives the not-used sweep.
        indexes = [models.Index(fields=["feature", "account", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.minutes} min in {self.feature}"


class PaymentStatus(models.TextChoices):
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Payment(CausedModel):
    """An invoice payment attempt reported by the payment provider."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="payments")
    # The provider's id for this attempt (e.g. Stripe's charge or event id):
    # an invoice retried three times is three records, which e2 counts.
    external_id = models.CharField(max_length=100, unique=True)
    invoice_id = models.CharField(max_length=100, blank=True, db_index=True)
    # Three places: the Kuwaiti or Bahraini dinar has 1,000 fils (core.money).
    amount = models.DecimalField(max_digits=13, decimal_places=3)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=16, choices=PaymentStatus.choices)
    failure_reason = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["account", "-occurred_at"]),
            models.Index(fields=["status", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="payment_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {format_money(self.amount, self.currency)} {self.status}"


class AppointmentKind(models.TextChoices):
    WALKTHROUGH = "walkthrough", "Feature walkthrough"
    SUCCESS_SESSION = "success_session", "Success session"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"  # upcoming; reminders are due before it
    ATTENDED = "attended", "Attended"  # the customer showed up (earns points)
    NO_SHOW = "no_show", "No-show"  # the customer did not come
    CANCELLED = "cancelled", "Cancelled"  # called off; no reminders


class Appointment(CausedModel):
    """A booked call between a customer and a staff member."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="appointments")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    kind = models.CharField(max_length=16, choices=AppointmentKind.choices)
    feature = models.ForeignKey(
        Feature, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    status = models.CharField(
        max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    external_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["account", "-starts_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="appointment_external_id_unique",
            ),
            # Without the booking system's id, the booking itself is the identity.
            models.UniqueConstraint(
                fields=["account", "kind", "starts_at"],
                condition=models.Q(external_id=""),
                name="appointment_booked_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.account} at {self.starts_at:%Y-%m-%d %H:%M}"


class Feedback(CausedModel):
    """A customer's answer to the feedback / NPS form."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="feedback")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    nps = models.PositiveSmallIntegerField(
        "NPS", validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    # The form submission's own id (e.g. the signed link's nonce): a double submit counts once.
    submission_key = models.CharField(max_length=100, blank=True)
    # How often the customer changed this answer (FeedbackChange keeps each); nps and
    # comment are always the latest answer, submitted_at the first.
    revision = models.PositiveSmallIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name_plural = "feedback"
        indexes = [models.Index(fields=["account", "-submitted_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(nps__lte=10), name="feedback_nps_0_to_10"),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~models.Q(submission_key=""),
                name="feedback_submitted_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: NPS {self.nps}"

    @property
    def answered_at(self):
        """When the customer gave the answer it holds now."""
        return self.changed_at or self.submitted_at


class FeedbackChange(CausedModel):
    """A customer replacing their feedback answer: what it was, what it became."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="changes")
    revision = models.PositiveSmallIntegerField()  # the feedback's revision this change made
    from_nps = models.PositiveSmallIntegerField("NPS before")
    to_nps = models.PositiveSmallIntegerField("NPS after")
    from_comment = models.TextField(blank=True)
    to_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["feedback", "revision"]
        constraints = [
            # One change per revision: a replayed change form cannot change the answer twice.
            models.UniqueConstraint(fields=["feedback", "revision"], name="feedback_change_once"),
        ]

    def __str__(self) -> str:
        return f"{self.feedback.account}: NPS {self.from_nps} → {self.to_nps}"


class TaskPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"  # an overdue high-priority task escalates to the manager


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"  # waiting for someone to act
    DONE = "done", "Done"  # resolved
    CANCELLED = "cancelled", "Cancelled"  # no longer needed


class TaskSource(models.TextChoices):
    CUSTOMER = "customer", "Customer request"  # the task-request form
    STAFF = "staff", "Staff"  # created by a team member
    WORKFLOW = "workflow", "Workflow"  # created by an automation


class Task(CausedModel):
    """Work the team does for an account, requested by a customer or staff."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tasks")
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        help_text="The customer who asked, for customer requests.",
    )
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    priority = models.CharField(
        max_length=8, choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    due_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    source = models.CharField(max_length=16, choices=TaskSource.choices)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # What asked for this task (a form submission, a workflow step): created once.
    request_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["due_at", "-created_at"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["account", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["request_key"],
                condition=~models.Q(request_key=""),
                name="task_requested_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class StatusChange(CausedModel):
    """An appointment's or a task's status changing, and why."""

    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    from_status = models.CharField(max_length=16)
    to_status = models.CharField(max_length=16)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(appointment__isnull=False, task__isnull=True)
                    | models.Q(appointment__isnull=True, task__isnull=False)
                ),
                name="status_change_of_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appointment or self.task}: {self.from_status} → {self.to_status}"


class ProductEvent(CausedModel):
    """Something the SaaS product reported that has no record of its own (a custom event).

    Segment's `track` and `page` calls that no mapping turns into a login, a
    sign-up or feature use are kept here by name, so they show on the
    timeline and can start workflows ("Product event" trigger, by name).
    """

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="product_events", db_index=False
    )
    name = models.CharField(max_length=200)
    properties = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()
    # The sender's id for it (Segment's messageId): the same event stored once.
    external_id = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["-occurred_at"]
        # The timeline reads an account's events newest first.
        indexes = [models.Index(fields=["account", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.name}"
