"""The five pipelines every new install starts with (SPEC §3).

Keys are stable handles for automations; names and stages are what staff
see and may edit afterwards.
"""

DEFAULT_PIPELINES = [
    {
        "key": "subscription",
        "name": "Subscription & Billing",
        "stages": [
            ("Active", "primary"),
            ("Active Subscription", "success"),
            ("Subscription Failed", "danger"),
            ("Churned", "dark"),
        ],
    },
    {
        "key": "health",
        "name": "Customer Health Status",
        "stages": [
            ("Thriving", "success"),
            ("Healthy", "primary"),
            ("Steady", "warning"),
            ("Struggling", "danger"),
        ],
    },
    {
        "key": "milestone",
        "name": "User Milestone",
        "stages": [
            ("Starter", "secondary"),
            ("Moderate", "info"),
            ("Pro", "primary"),
            ("Advanced", "success"),
        ],
    },
    {
        "key": "login_activity",
        "name": "User Login Activity",
        "stages": [("Active", "success"), ("Inactive", "warning")],
    },
    {
        "key": "happiness",
        "name": "User Happiness Level",
        "stages": [
            ("Very Happy", "success"),
            ("Happy", "primary"),
            ("Neutral", "warning"),
            ("Not Happy", "danger"),
        ],
    },
]


def install_default_pipelines(pipeline_model, stage_model) -> None:
    """Create any default pipeline or stage that is missing; touch nothing else.

    Takes the model classes so a migration can pass its historical models.
    """
    for position, spec in enumerate(DEFAULT_PIPELINES):
        pipeline, _ = pipeline_model.objects.get_or_create(
            key=spec["key"], defaults={"name": spec["name"], "position": position}
        )
        for stage_position, (name, color) in enumerate(spec["stages"]):
            stage_model.objects.get_or_create(
                pipeline=pipeline,
                name=name,
                defaults={"position": stage_position, "color": color},
            )
