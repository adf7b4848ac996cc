"""Computed health scores: models as data, their immutable versions, and daily snapshots.

A health model's definition (factors with weights, windows and point bands; the
bands of the total) lives in `HealthModelVersion.definition`, checked by
`health.definition.validate_definition`. Editing a model publishes a new
version; snapshots keep the version they were scored with, so last month's score
still explains itself after the weights changed.
"""

from django.db import models

from accounts.models import Account, HealthStatus, Segment
from core.causes import CausedModel

# How an accepted computed band's health status change begins its note: the timeline
# tells "Maria accepted the computed band Steady" from a plain "Health set to …" by it.
ACCEPTED_BAND_NOTE = "Accepted the computed band"


class HealthModel(CausedModel):
    """A way of scoring accounts: the members of its segment, else its plans; the default
    one scores every account no other model claims."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    # The plans this model scores (accounts.Plan values); empty for the default model.
    plans = models.JSONField(default=list, blank=True)
    # A saved segment whose members this model scores, before any plan's model (see
    # health.scoring.ModelPicker for the precedence). Deleting the segment unbinds it.
    segment = models.ForeignKey(
        Segment, null=True, blank=True, on_delete=models.SET_NULL, related_name="health_models"
    )
    is_default = models.BooleanField(default=False)
    current_version = models.ForeignKey(
        "HealthModelVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="one_default_model"
            )
        ]
        permissions = [("edit_health_model", "Can edit health models")]

    def __str__(self) -> str:
        return self.name


class HealthModelVersion(CausedModel):
    """One published definition of a model; never changed once written."""

    model = models.ForeignKey(HealthModel, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()

    class Meta:
        ordering = ["model", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["model", "number"], name="health_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.model} v{self.number}"


class HealthSnapshot(models.Model):
    """An account's score on one day: the version, the total, the band, and per factor
    `[raw value, points]` (raw None: the data was missing and the factor earned its neutral
    value). Re-scoring later that day replaces the day's row; the constraint keeps one."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="health_snapshots")
    day = models.DateField()
    version = models.ForeignKey(HealthModelVersion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=16, choices=HealthStatus.choices)
    factors = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["account", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["account", "day"], name="health_snapshot_once_a_day"),
            models.CheckConstraint(
                condition=models.Q(score__lte=100), name="health_score_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["day"])]

    def __str__(self) -> str:
        return f"{self.account_id} on {self.day}: {self.score}"


class AccountHealth(models.Model):
    """The account's latest computed score (its newest snapshot, kept beside the account
    for lists, boards, sorting and workflow conditions)."""

    account = models.OneToOneField(
        Account, primary_key=True, on_delete=models.CASCADE, related_name="health"
    )
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=16, choices=HealthStatus.choices)
    version = models.ForeignKey(HealthModelVersion, on_delete=models.PROTECT, related_name="+")
    factors = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["score"]), models.Index(fields=["band", "score"])]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.score} ({self.band})"


class HealthTouched(models.Model):
    """An account an event touched (login, payment, feedback …), waiting to be re-scored.

    Written in the event's own transaction (health.touching), claimed by the re-score task."""

    account = models.OneToOneField(Account, primary_key=True, on_delete=models.CASCADE)
    touched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account_id} touched at {self.touched_at:%Y-%m-%d %H:%M}"


class HealthOverride(CausedModel):
    """A manager's decision that the computed band is wrong for now: the band they hold
    instead, why, and until when. The latest unexpired one is in force."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="health_overrides")
    band = models.CharField(max_length=16, choices=HealthStatus.choices)
    computed_band = models.CharField(max_length=16, choices=HealthStatus.choices, blank=True)
    computed_score = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.account_id}: held {self.band} until {self.expires_at:%Y-%m-%d}"


class HealthBacktest(models.Model):
    """A backtest's report (health.backtest), kept so the Reports page reads it, not runs it."""

    created_at = models.DateTimeField()
    report = models.JSONField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"Backtest of {self.created_at:%Y-%m-%d %H:%M}"
