"""The score ledger: every point an account earns or loses, and why."""

from django.db import models

from accounts.models import Account, Milestone
from core.causes import CausedModel


class ScoringRules(models.Model):
    """The points and thresholds the playbooks use; one row, edited in the admin."""

    feature_session_minutes = models.PositiveSmallIntegerField(
        default=7, help_text="A feature session this long or longer earns the feature's points."
    )
    default_feature_points = models.PositiveIntegerField(
        default=50, help_text="Points for a newly catalogued feature."
    )
    payment_points = models.PositiveIntegerField(default=100)
    appointment_attended_points = models.PositiveIntegerField(default=75)
    affiliate_threshold = models.PositiveIntegerField(
        default=1200, help_text="A score this high qualifies the account for the affiliate program."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "scoring rules"
        verbose_name_plural = "scoring rules"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="scoring_rules_single_row"),
        ]

    def __str__(self) -> str:
        return "Scoring rules"


class MilestoneLevel(models.Model):
    """The score at which an account reaches a milestone (playbook b3)."""

    milestone = models.CharField(max_length=16, choices=Milestone.choices, unique=True)
    threshold = models.PositiveIntegerField(unique=True)

    class Meta:
        ordering = ["threshold"]

    def __str__(self) -> str:
        return f"{self.get_milestone_display()} ≥ {self.threshold}"


class ScoreSource(models.TextChoices):
    FEATURE = "feature", "Feature use"
    PAYMENT = "payment", "Payment"
    APPOINTMENT = "appointment", "Appointment attended"
    MANUAL = "manual", "Manual adjustment"
    WORKFLOW = "workflow", "Workflow"
    IMPORT = "import", "Import"


class ScoreEntry(CausedModel):
    """One line of the ledger; the account's score is the sum of its lines."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="score_entries")
    points = models.IntegerField()
    reason = models.CharField(max_length=255)
    source = models.CharField(max_length=16, choices=ScoreSource.choices)
    # What earned the points (e.g. "payment:in_123"): the same cause never scores twice.
    idempotency_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "score entries"
        indexes = [models.Index(fields=["account", "-created_at"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(points=0), name="score_entry_not_zero"),
            models.UniqueConstraint(
                fields=["account", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="score_entry_once_per_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.account}: {self.reason}"


class MilestoneAchievement(CausedModel):
    """An account reaching a milestone (at `created_at`): recorded once, never again."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="milestones")
    milestone = models.CharField(max_length=16, choices=Milestone.choices)
    score = models.IntegerField(help_text="The score when the milestone was reached.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["account", "milestone"], name="milestone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.account} reached {self.get_milestone_display()}"
