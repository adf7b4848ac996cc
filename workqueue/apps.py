from django.apps import AppConfig


class WorkqueueConfig(AppConfig):
    """The CSM's work queue: signals (CTAs) from detectors and playbooks; logged touches."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "workqueue"
    verbose_name = "Work queue"

    def install_defaults(self) -> None:
        """The shipped signal types, the thresholds row and the detectors' schedule."""
        from django_q.models import Schedule

        from core.schedules import upsert_schedule

        from .defaults import DETECTORS_SCHEDULE, install_signal_types
        from .models import SignalRules, SignalType

        install_signal_types(SignalType)
        SignalRules.objects.get_or_create(pk=1)
        upsert_schedule(Schedule, **DETECTORS_SCHEDULE)
