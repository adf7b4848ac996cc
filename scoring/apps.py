from django.apps import AppConfig


class ScoringConfig(AppConfig):
    """The score ledger, scoring rules and milestones."""

    name = "scoring"
    verbose_name = "Scoring"

    def install_defaults(self) -> None:
        """The scoring rules and milestone levels if missing (core.defaults.install_defaults)."""
        from .defaults import install_scoring_defaults
        from .models import MilestoneLevel, ScoringRules

        install_scoring_defaults(ScoringRules, MilestoneLevel)
