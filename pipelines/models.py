"""Pipelines (kanban boards), their ordered stages, and where each account sits."""

from django.db import models

from accounts.models import Account
from core.causes import CausedModel


class Pipeline(models.Model):
    """A board such as "Customer Health Status"; its stages are its columns."""

    # A stable handle for automations ("health"); the name is for people and may change.
    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class StageManager(models.Manager):
    # A stage is always shown with its pipeline ("Customer Health Status › Healthy").
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("pipeline")


class Stage(models.Model):
    """One column of a pipeline, in order."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    color = models.CharField(max_length=16, default="secondary", help_text="A Bootstrap colour.")

    objects = StageManager()

    class Meta:
        ordering = ["pipeline", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "name"], name="stage_name_unique_in_pipeline"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pipeline.name} › {self.name}"


class Card(models.Model):
    """Where an account sits in one pipeline: at most one card per pipeline."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="cards")
    # Redundant with stage.pipeline, so the database can enforce one card per pipeline.
    # Neither key has an index of its own: each leads one of the composite indexes below.
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.CASCADE, related_name="cards", db_index=False
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="cards", db_index=False)
    entered_stage_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "pipeline"], name="one_card_per_pipeline"),
        ]
        indexes = [
            # A kanban column lists its cards newest first, id breaking ties as the page
            # does, so a page is read straight off the index instead of sorting the column.
            models.Index(fields=["stage", "-entered_stage_at", "-id"]),
            # A board counts its columns' cards (an index-only scan once vacuumed).
            models.Index(fields=["pipeline", "stage"]),
        ]

    def __str__(self) -> str:
        return f"{self.account} in {self.stage}"


class StageMove(CausedModel):
    """A card entering a stage (from another, or its first placement), and why."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="stage_moves")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="moves")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-created_at"]),
            models.Index(fields=["pipeline", "-created_at"]),
        ]

    def __str__(self) -> str:
        origin = self.from_stage.name if self.from_stage else "—"
        return f"{self.account}: {origin} → {self.to_stage.name}"
