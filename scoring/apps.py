from django.apps import AppConfig


class ScoringConfig(AppConfig):
    """The score ledger, scoring rules and milestones."""

    name = "scoring"
    verbose_name = "Scoring"
