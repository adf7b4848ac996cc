"""Reads of the scoring configuration."""

from django.db.models import Exists, OuterRef, QuerySet, Subquery

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
    # Only accounts at or above the lowest threshold can be short of one: the
    # score index narrows the read to those instead of probing every account.
    lowest = MilestoneLevel.objects.order_by("threshold").values("threshold")[:1]
    return Account.objects.filter(score__gte=Subquery(lowest)).filter(Exists(missing))
