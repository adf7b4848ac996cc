"""Scoring defaults of a new install (SPEC §4): milestone thresholds and points."""

DEFAULT_MILESTONE_THRESHOLDS = {
    "starter": 300,
    "moderate": 600,
    "pro": 900,
    "advanced": 1200,
}


def install_scoring_defaults(rules_model, milestone_model) -> None:
    """Create the scoring rules row and any missing milestone level."""
    rules_model.objects.get_or_create(pk=1)
    for milestone, threshold in DEFAULT_MILESTONE_THRESHOLDS.items():
        milestone_model.objects.get_or_create(
            milestone=milestone, defaults={"threshold": threshold}
        )
