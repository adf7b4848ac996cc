"""The work queue's rows: signal types and their checklists, signals with their history,
the detectors' thresholds, and the touches (calls, meetings, notes) CSMs log."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.causes import CausedModel


class SignalKind(models.TextChoices):
    RISK = "risk", "Risk"  # the account may churn or shrink: act to keep it
    OPPORTUNITY = "opportunity", "Opportunity"  # expansion, advocacy: act to grow it
    LIFECYCLE = "lifecycle", "Lifecycle"  # a step of the customer's journey needs a hand


class SignalStatus(models.TextChoices):
    OPEN = "open", "Open"  # in the owner's queue
    SNOOZED = "snoozed", "Snoozed"  # out of the queue until `snoozed_until`; still the open one
    DONE = "done", "Done"  # worked, with an outcome
    DISMISSED = "dismissed", "Dismissed"  # not worth working (a false alarm), with an outcome


# A signal still being worked: at most one per (account, kind, reason).
LIVE_STATUSES = [SignalStatus.OPEN, SignalStatus.SNOOZED]


class Priority(models.IntegerChoices):
    HIGH = 1, "High"
    NORMAL = 2, "Normal"
    LOW = 3, "Low"


class SignalType(models.Model):
    """What a reason means: its kind, wording, urgency, recommended next step and outcomes."""

    reason = models.SlugField(max_length=64, unique=True, help_text="e.g. usage_drop")
    kind = models.CharField(max_length=16, choices=SignalKind.choices)
    title = models.CharField(max_length=200)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    due_in_days = models.PositiveSmallIntegerField(default=3)
    next_step = models.CharField(
        max_length=255, blank=True, help_text="The recommended next action, shown in the queue."
    )
    outcomes = models.JSONField(
        default=list, help_text='The outcomes a CSM closes it with, e.g. ["Saved", "Churned"].'
    )
    is_active = models.BooleanField(default=True, help_text="Off: detectors raise nothing.")

    class Meta:
        ordering = ["reason"]

    def __str__(self) -> str:
        return self.title


class TaskTemplate(models.Model):
    """One item of a signal type's checklist: a task opened (once) when a signal opens."""

    signal_type = models.ForeignKey(SignalType, on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    due_in_days = models.PositiveSmallIntegerField(default=3)
    # "owner": the signal's owner. "named": `assignee`; one who has left (deactivated, or
    # deleted, which empties the field) is refused when the signal opens, rather than the
    # task silently going to someone else.
    assign_to = models.CharField(
        max_length=8,
        choices=[("owner", "The signal's owner"), ("named", "A named user")],
        default="owner",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["signal_type", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Signal(models.Model):
    """A call to action on one account: why it was raised, who owns it, how it ended."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="work_signals"
    )
    signal_type = models.ForeignKey(SignalType, on_delete=models.PROTECT, related_name="signals")
    kind = models.CharField(max_length=16, choices=SignalKind.choices)
    reason = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    why = models.JSONField(default=dict, blank=True, help_text="The figures that raised it.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_signals",
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=SignalStatus.choices, default="open")
    snoozed_until = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=100, blank=True)
    outcome_note = models.TextField(blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    # What the last occurrence was (a week, a payment, an answer): the same one seen
    # again (a detector run twice) changes nothing; a new one adds to the history.
    last_key = models.CharField(max_length=100, blank=True)
    # The raise that inserted it: two workers inserting at once each learn which rows
    # were theirs (the constraint skipped the other's), to open checklists and history once.
    batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    opened_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["priority", "due_at", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "priority", "due_at"]),
            models.Index(fields=["account", "status"]),
            models.Index(fields=["status", "snoozed_until"]),
            models.Index(fields=["closed_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "reason"],
                condition=Q(status__in=LIVE_STATUSES),
                name="one_live_signal_per_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="snoozed") | Q(snoozed_until__isnull=False),
                name="snoozed_signal_has_an_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display().lower()})"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class SignalAction(models.TextChoices):
    OPENED = "opened", "Opened"
    REPEATED = "repeated", "Raised again"
    SNOOZED = "snoozed", "Snoozed"
    WOKE = "woke", "Back from snooze"
    REASSIGNED = "reassigned", "Reassigned"
    DONE = "done", "Done"
    DISMISSED = "dismissed", "Dismissed"


class SignalEvent(CausedModel):
    """One line of a signal's history: opened, raised again (with its figures), snoozed …"""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="history")
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=16, choices=SignalAction.choices)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.signal_id}"


class SignalTask(models.Model):
    """Which checklist tasks a signal opened: each template once per signal (the constraint)."""

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="tasks")
    template = models.ForeignKey(TaskTemplate, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey("activity.Task", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["signal", "template"], name="checklist_task_once")
        ]

    def __str__(self) -> str:
        return f"Checklist task {self.task_id} of signal {self.signal_id}"


class SignalRules(models.Model):
    """The detectors' thresholds (one row, edited in the admin as the sweep rules are)."""

    usage_drop_percent = models.PositiveSmallIntegerField(
        default=50, help_text="Last 7 days at most this % of the 8-week weekly median: a drop."
    )
    usage_spike_percent = models.PositiveSmallIntegerField(
        default=200, help_text="Last 7 days at least this % of the median: a spike."
    )
    usage_min_baseline_minutes = models.PositiveIntegerField(
        default=60, help_text="Accounts whose weekly median is below this are never judged."
    )
    payment_failures = models.PositiveSmallIntegerField(default=2)
    payment_failure_days = models.PositiveSmallIntegerField(default=30)
    detractor_max_nps = models.PositiveSmallIntegerField(default=6)
    promoter_min_nps = models.PositiveSmallIntegerField(default=9)
    feedback_days = models.PositiveSmallIntegerField(
        default=30, help_text="How recent an NPS answer must be to raise a signal."
    )
    advocacy_min_weekly_minutes = models.PositiveIntegerField(
        default=120, help_text="High usage for advocacy: the 8-week median at least this."
    )
    onboarding_days = models.PositiveSmallIntegerField(
        default=14, help_text="No login by any contact this many days after sign-up: stalled."
    )
    contact_change_days = models.PositiveSmallIntegerField(default=7)
    no_touch_days = models.PositiveSmallIntegerField(default=30)
    no_touch_min_mrr = models.DecimalField(max_digits=12, decimal_places=2, default=1000)
    health_band_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Health band worsened: the computed band is worse than this many days ago.",
    )

    class Meta:
        verbose_name = "signal rules"
        verbose_name_plural = "signal rules"

    def __str__(self) -> str:
        return "Signal rules"


class TouchKind(models.TextChoices):
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    NOTE = "note", "Note"
    EMAIL = "email", "E-mail"  # a template e-mail sent from the queue (or one logged by hand)
    CHAT = "chat", "Chat reply"  # a staff reply in a conversation (conversations.services)


class Touch(models.Model):
    """A call, meeting or note a CSM logged on an account (it counts as a touch)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="touches"
    )
    kind = models.CharField(max_length=16, choices=TouchKind.choices)
    contact = models.ForeignKey(
        "accounts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    happened_at = models.DateTimeField()
    summary = models.TextField()
    outcome = models.CharField(max_length=200, blank=True)
    next_step = models.CharField(max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="touches"
    )
    signal = models.ForeignKey(
        Signal, null=True, blank=True, on_delete=models.SET_NULL, related_name="touches"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-happened_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-happened_at"]),
            models.Index(fields=["author", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_at:%Y-%m-%d}"
