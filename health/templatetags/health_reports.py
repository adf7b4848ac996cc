"""`{% latest_backtest as backtest %}`: the newest stored backtest, for the Reports page's
section (so that page includes one template and reads one row)."""

from django import template

from health.models import HealthBacktest

register = template.Library()


@register.simple_tag
def latest_backtest() -> HealthBacktest | None:
    """The newest backtest, or None before the first (`manage.py backtest_health`)."""
    return HealthBacktest.objects.order_by("-created_at", "-id").first()


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"
