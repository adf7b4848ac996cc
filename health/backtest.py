"""Backtesting a health model against churn: score every account as of past dates from its
recorded history, and see who cancelled in the following days.

For each date, the accounts active then (signed up before it, not yet cancelled) are
scored with today's models through the same path as the daily run
(health.scoring.score_at_dates: one query per measure and window for all the
dates), and labelled "churned" when their cancellation falls within the horizon
after it. The report gives the churn rate per band, the ROC AUC of "a lower score
means churn", and the lift of the worst band (its churn rate over everyone's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.db.models import Min

from accounts.models import Account, AccountEvent, AccountEventKind, HealthStatus
from core import clock

from .definition import BAND_ORDER
from .scoring import score_at_dates

HORIZON_DAYS = 90
POINTS = 12  # monthly dates
STEP_DAYS = 30


@dataclass
class BandRow:
    band: str
    label: str
    accounts: int
    churned: int

    @property
    def rate(self) -> float:
        return self.churned / self.accounts if self.accounts else 0.0


@dataclass
class BacktestReport:
    dates: list[str]
    horizon_days: int
    bands: list[BandRow] = field(default_factory=list)
    auc: float | None = None
    samples: int = 0
    churned: int = 0
    worst_band: str = ""
    worst_band_lift: float | None = None

    @property
    def churn_rate(self) -> float:
        return self.churned / self.samples if self.samples else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "churn_rate": self.churn_rate}


def backtest_dates(*, points: int = POINTS, horizon_days: int = HORIZON_DAYS) -> list[datetime]:
    """Monthly dates, oldest first, the newest a horizon ago (so each has seen its churn)."""
    newest = clock.now() - timedelta(days=horizon_days)
    return [newest - timedelta(days=STEP_DAYS * n) for n in reversed(range(points))]


def run_backtest(
    dates: Sequence[datetime] | None = None, *, horizon_days: int = HORIZON_DAYS
) -> BacktestReport:
    """Score every account active at each date and compare with churn within the horizon."""
    dates = list(dates or backtest_dates(horizon_days=horizon_days))
    cancelled = dict(
        AccountEvent.objects.filter(kind=AccountEventKind.CANCELLED)
        .values("account_id")
        .annotate(at=Min("created_at"))
        .values_list("account_id", "at")
        .order_by()
    )
    accounts = list(Account.objects.order_by("pk").values_list("pk", "plan", "signed_up_at"))
    horizon = timedelta(days=horizon_days)
    active = [
        [
            (pk, plan)
            for pk, plan, signed_up in accounts
            if signed_up < as_of and (pk not in cancelled or cancelled[pk] >= as_of)
        ]
        for as_of in dates
    ]
    samples: list[tuple[int, str, bool]] = []  # (score, band, churned)
    scored = score_at_dates(active, dates, totals_only=True)
    for as_of, results in zip(dates, scored, strict=True):
        for pk, score, band in results:
            churn_at = cancelled.get(pk)
            samples.append((score, band, churn_at is not None and churn_at < as_of + horizon))
    return summarize(samples, dates=dates, horizon_days=horizon_days)


def summarize(
    samples: Sequence[tuple[int, str, bool]], *, dates: Sequence[datetime], horizon_days: int
) -> BacktestReport:
    """The report over (score, band, churned) samples."""
    report = BacktestReport(
        dates=[d.date().isoformat() for d in dates],
        horizon_days=horizon_days,
        samples=len(samples),
        churned=sum(1 for *_, churned in samples if churned),
    )
    for band in BAND_ORDER:
        rows = [churned for _, b, churned in samples if b == band]
        report.bands.append(BandRow(band.value, HealthStatus(band).label, len(rows), sum(rows)))
    report.auc = roc_auc([score for score, _, _ in samples], [c for *_, c in samples])
    worst = next((row for row in reversed(report.bands) if row.accounts), None)
    if worst is not None and report.churn_rate:
        report.worst_band = worst.label
        report.worst_band_lift = worst.rate / report.churn_rate
    return report


def roc_auc(scores: Sequence[float], churned: Sequence[bool]) -> float | None:
    """The chance that a churner scored lower than a retained account (ties count half):
    1.0 separates them perfectly, 0.5 is a coin. None without both kinds."""
    positives = sum(churned)
    negatives = len(churned) - positives
    if not positives or not negatives:
        return None
    # Mann–Whitney U over ranks of the risk (a lower score is a higher risk), ties averaged.
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(rank for rank, c in zip(ranks, churned, strict=True) if c)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)
