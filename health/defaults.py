"""The default health model (its rationale: health/README.md), installed where missing."""

DEFAULT_MODEL_NAME = "Default health model"

DEFAULT_DEFINITION = {
    "drop_points": 15,
    "factors": [
        {
            "key": "logins",
            "label": "Logins",
            "measure": "login_days",
            "window": 30,
            "weight": 20,
            "neutral": 0,
            "points": [[0, 0], [1, 4], [4, 8], [8, 14], [12, 20]],
        },
        {
            "key": "adoption",
            "label": "Feature adoption",
            "measure": "feature_adoption",
            "window": 30,
            "weight": 20,
            "neutral": 10,
            "points": [[0, 0], [1, 5], [25, 10], [50, 15], [75, 20]],
        },
        {
            "key": "usage_trend",
            "label": "Minutes of use",
            "measure": "usage_trend",
            "window": 30,
            "weight": 15,
            "neutral": 5,
            "points": [[-100, 0], [-60, 3], [-25, 7], [0, 11], [20, 15]],
        },
        {
            "key": "payments",
            "label": "Payments",
            "measure": "failed_payments",
            "window": 60,
            "weight": 25,
            "neutral": 20,
            "points": [[0, 25], [1, 10], [2, 0]],
        },
        {
            "key": "sentiment",
            "label": "Sentiment (NPS)",
            "measure": "latest_nps",
            "window": 180,
            "weight": 15,
            "neutral": 8,
            "points": [[0, 0], [5, 5], [7, 10], [9, 15]],
        },
        {
            "key": "support",
            "label": "Support",
            "measure": "overdue_tasks",
            "window": 30,
            "weight": 5,
            "neutral": 5,
            "points": [[0, 5], [1, 2], [2, 0]],
        },
    ],
    "bands": [
        {"band": "thriving", "min": 76, "max": 100},
        {"band": "healthy", "min": 51, "max": 75},
        {"band": "steady", "min": 26, "max": 50},
        {"band": "struggling", "min": 0, "max": 25},
    ],
}


def install_default_model(model_class, version_class, now=None) -> bool:
    """Create the default model with version 1 unless a default model exists.

    Takes the model classes so a migration can pass its historical ones. Returns whether
    it was created.
    """
    from django.utils import timezone

    if model_class.objects.filter(is_default=True).exists():
        return False
    now = now or timezone.now()
    model = model_class.objects.create(
        name=DEFAULT_MODEL_NAME,
        description="Scores every plan that no other model claims.",
        is_default=True,
        created_at=now,
        cause_kind="system",
        cause_reason="install defaults",
    )
    version = version_class.objects.create(
        model=model,
        number=1,
        definition=DEFAULT_DEFINITION,
        created_at=now,
        cause_kind="system",
        cause_reason="install defaults",
    )
    model_class.objects.filter(pk=model.pk).update(current_version=version)
    return True
