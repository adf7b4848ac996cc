"""Running and keeping a backtest (health.backtest)."""

import time

from core import clock

from ..backtest import run_backtest
from ..models import HealthBacktest

KEEP = 20


def record_backtest(**options) -> HealthBacktest:
    """Run a backtest and store its report (the newest KEEP are kept)."""
    started = time.perf_counter()
    report = run_backtest(**options)
    saved = HealthBacktest.objects.create(
        created_at=clock.now(), report=report.as_dict(), seconds=time.perf_counter() - started
    )
    old = HealthBacktest.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[KEEP:]
    HealthBacktest.objects.filter(pk__in=list(old)).delete()
    return saved
