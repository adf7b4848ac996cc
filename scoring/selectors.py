"""Reads of the scoring configuration."""

from django.db.models import QuerySet

from .models import MilestoneLevel, ScoringRules


def scoring_rules() -> ScoringRules:
    """The scoring rules row (created with defaults if an admin deleted it)."""
    rules, _ = ScoringRules.objects.get_or_create(pk=1)
    return rules


def milestones_up_to(score: int) -> QuerySet[MilestoneLevel]:
    """Every milestone a score of `score` has reached, lowest first."""
    return MilestoneLevel.objects.filter(threshold__lte=score).order_by("threshold")
