"""A starter feature catalogue for a new install; edit it to match your product."""

STARTER_FEATURES = [
    # key, name, not-used timeframe in days, description
    ("dashboards", "Dashboards", 14, "Build and share dashboards."),
    ("reports", "Reports", 30, "Scheduled and ad-hoc reports."),
    ("automations", "Automations", 30, "Rules that run work automatically."),
    ("integrations", "Integrations", 45, "Connections to other tools."),
    ("team-invites", "Team invites", 60, "Inviting colleagues to the workspace."),
    ("mobile-app", "Mobile app", 30, "The iOS and Android apps."),
]


def install_starter_features(feature_model, points: int = 50) -> None:
    """Create any starter feature that is missing; never overwrite edits."""
    for key, name, days, description in STARTER_FEATURES:
        feature_model.objects.get_or_create(
            key=key,
            defaults={
                "name": name,
                "not_used_days": days,
                "description": description,
                "points": points,
            },
        )
