"""Reads of the scoring configuration."""

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import Account

from .models import MilestoneAchievement, MilestoneLevel, ScoringRules


def scoring_rules() -> ScoringRules:
    """The scoring rules row (created with defaults if an admin deleted it)."""
    rules, _ = ScoringRules.objects.get_or_create(pk=1)
    return rules


def accounts_short_of_a_milestone() -> QuerySet[Account]:
    """Accounts whose score reaches a milestone never recorded for them (e.g. imported scores)."""
    recorded = MilestoneAchievement.objects.filter(
        account=OuterRef(OuterRef("pk")), milestone=OuterRef("milestone")
    )
    missing = MilestoneLevel.objects.filter(threshold__lte=OuterRef("score")).exclude(
        Exists(recorded)
    )
    return Account.objects.filter(Exists(missing))
