"""The health part of the bench (issue #20): the daily score of every account, one touched
account's re-score, and a 12-date backtest, each undone after (rolled back)."""

import statistics
import time

from accounts.models import Account
from health.backtest import run_backtest
from health.services.snapshots import rescore_account, score_due_accounts

from .measure import measured, rolled_back

DAILY_SECONDS = 20
RESCORE_SECONDS = 0.020
BACKTEST_SECONDS = 60


def measure_health(row) -> None:
    """`row(part, what, measurement, note, met=…)` for each figure (the bench's table)."""
    accounts = Account.objects.count()
    daily = rolled_back(lambda: measured(score_due_accounts))
    row(
        "health",
        f"daily score of {accounts:,} accounts",
        daily,
        f"{daily['result']:,} scored, {daily['queries']} queries",
        met=daily["seconds"] <= DAILY_SECONDS,
    )
    pks = list(Account.objects.order_by("?").values_list("pk", flat=True)[:21])

    def rescores() -> float:
        times = []
        for pk in pks:
            started = time.perf_counter()
            rescore_account(pk)
            times.append(time.perf_counter() - started)
        return statistics.median(times[1:])

    m = rolled_back(lambda: measured(rescores))
    row(
        "health",
        "re-score one touched account (median of 20)",
        m,
        f"{m['result'] * 1000:.1f} ms",
        met=m["result"] <= RESCORE_SECONDS,
    )
    back = measured(run_backtest)
    row(
        "health",
        "backtest, 12 monthly dates",
        back,
        f"{back['result'].samples:,} account-dates, AUC {back['result'].auc or 0:.3f}",
        met=back["seconds"] <= BACKTEST_SECONDS,
    )
