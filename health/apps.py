from django.apps import AppConfig

SCHEDULES = [
    # Hourly: the first run of a day scores every account, the rest only newcomers.
    ("Health: daily scores", "health.tasks.score_due", 60),
    ("Health: re-score touched accounts", "health.tasks.rescore", 1),
    ("Health: weekly backtest", "health.tasks.backtest", 7 * 24 * 60),
]


class HealthConfig(AppConfig):
    """Computed health scores: models as data, daily snapshots, backtests."""

    name = "health"
    verbose_name = "Health scores"

    def ready(self) -> None:
        from core.handover import register_recorder

        from .touching import mark_touched

        register_recorder(mark_touched)

    def install_defaults(self) -> None:
        """The default health model and the scoring schedules (core.defaults)."""
        from django_q.models import Schedule

        from core.schedules import upsert_schedule

        from .defaults import install_default_model
        from .models import HealthModel, HealthModelVersion

        install_default_model(HealthModel, HealthModelVersion)
        for name, func, minutes in SCHEDULES:
            upsert_schedule(Schedule, name=name, func=func, minutes=minutes)
