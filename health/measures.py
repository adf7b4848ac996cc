"""What a health factor can measure: one set-based query per measure and window.

Each measure reads every account it is asked about in ONE query, as of a moment
(`as_of`, exclusive), so the daily score, a single re-score and the backtest over
past dates share one path. A measure returns {account id: raw value}; an account
it has no data for is absent (or None), and its factor earns the neutral value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from activity.models import (
    Feature,
    FeatureSession,
    Feedback,
    Login,
    Payment,
    PaymentStatus,
    Task,
    TaskSource,
    TaskStatus,
)

Raw = dict[int, float | None]


def _scoped(queryset: QuerySet, account_ids: Iterable[int] | None) -> QuerySet:
    return queryset if account_ids is None else queryset.filter(account_id__in=list(account_ids))


def login_days(as_of: datetime, window: int, account_ids: Iterable[int] | None) -> Raw:
    """Days with at least one login in the `window` days before `as_of`; 0 when none."""
    logins = Login.objects.filter(
        occurred_at__gte=as_of - timedelta(days=window), occurred_at__lt=as_of
    )
    rows = (
        _scoped(logins, account_ids)
        .annotate(day=TruncDate("occurred_at"))
        .values("account_id")
        .annotate(days=Count("day", distinct=True))
        .values_list("account_id", "days")
        .order_by()
    )
    return dict(rows)


def feature_adoption(as_of: datetime, window: int, account_ids: Iterable[int] | None) -> Raw | None:
    """Percent of the catalogue's active features the account used within each feature's
    own "not used" timeframe. None (missing for everyone) with no active feature."""
    features = list(Feature.objects.filter(is_active=True).values_list("pk", "not_used_days"))
    if not features:
        return None
    recent = Q()
    for pk, days in features:
        recent |= Q(feature_id=pk, started_at__gte=as_of - timedelta(days=days))
    sessions = FeatureSession.objects.filter(recent, started_at__lt=as_of)
    rows = (
        _scoped(sessions, account_ids)
        .values("account_id")
        .annotate(used=Count("feature_id", distinct=True))
        .values_list("account_id", "used")
        .order_by()
    )
    used = dict(rows)
    return {pk: round(100 * n / len(features)) for pk, n in used.items()}


def usage_trend(as_of: datetime, window: int, account_ids: Iterable[int] | None) -> Raw:
    """Minutes of feature use in the last `window` days against the `window` days before,
    in percent (-100: stopped, +100: doubled or started). Missing with no use in either."""
    start, middle = as_of - timedelta(days=2 * window), as_of - timedelta(days=window)
    sessions = FeatureSession.objects.filter(started_at__gte=start, started_at__lt=as_of)
    rows = (
        _scoped(sessions, account_ids)
        .values("account_id")
        .annotate(
            recent=Sum("minutes", filter=Q(started_at__gte=middle), default=0),
            before=Sum("minutes", filter=Q(started_at__lt=middle), default=0),
        )
        .values_list("account_id", "recent", "before")
        .order_by()
    )
    trend = {}
    for pk, recent, before in rows:
        if before:
            trend[pk] = max(-100, min(100, round(100 * (recent - before) / before)))
        elif recent:
            trend[pk] = 100
    return trend


def failed_payments(as_of: datetime, window: int, account_ids: Iterable[int] | None) -> Raw:
    """Failed payment attempts in the window. Missing when nothing was billed in it (a free
    plan), so an account that is never charged is not rewarded for never failing."""
    payments = Payment.objects.filter(
        occurred_at__gte=as_of - timedelta(days=window), occurred_at__lt=as_of
    )
    rows = (
        _scoped(payments, account_ids)
        .values("account_id")
        .annotate(failed=Count("pk", filter=Q(status=PaymentStatus.FAILED)))
        .values_list("account_id", "failed")
        .order_by()
    )
    return dict(rows)


def latest_nps(as_of: datetime, window: int, account_ids: Iterable[int] | None) -> Raw:
    """The latest NPS answered within the window (older answers are stale: missing)."""
    answers = Feedback.objects.filter(
        submitted_at__gte=as_of - timedelta(days=window), submitted_at__lt=as_of
    )
    rows = _scoped(answers, account_ids).order_by("account_id", "submitted_at")
    return dict(rows.values_list("account_id", "nps"))  # the latest wins


def overdue_tasks(as_of: datetime, window: int, account_ids: Iterable[int] | None) -> Raw:
    """Customer-requested tasks open and past their due time at `as_of`; 0 when none."""
    tasks = Task.objects.filter(
        source=TaskSource.CUSTOMER, created_at__lt=as_of, due_at__lt=as_of
    ).filter(Q(resolved_at__isnull=True, status=TaskStatus.OPEN) | Q(resolved_at__gte=as_of))
    rows = (
        _scoped(tasks, account_ids)
        .values("account_id")
        .annotate(n=Count("pk"))
        .values_list("account_id", "n")
        .order_by()
    )
    return dict(rows)


@dataclass(frozen=True)
class Measure:
    """A measure's query, how its raw value reads, and what "missing" means for it."""

    key: str
    label: str
    read: Callable[[datetime, int, Iterable[int] | None], Raw | None]
    describe: Callable[[float, int], str]
    # When an account is absent from the query's answer: a real zero, or no data at all.
    absent_is_zero: bool
    missing: str = ""
    uses_window: bool = True


def _plural(n: float, word: str) -> str:
    return f"{n:g} {word}{'' if n == 1 else 's'}"


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in [
        Measure(
            "login_days",
            "Active days (logins)",
            login_days,
            lambda raw, w: f"{raw:g} active days of {w}",
            absent_is_zero=True,
        ),
        Measure(
            "feature_adoption",
            "Key features used in their timeframe",
            feature_adoption,
            lambda raw, w: f"{raw:g}% of key features used in their timeframe",
            absent_is_zero=True,
            missing="no active features in the catalogue",
            uses_window=False,
        ),
        Measure(
            "usage_trend",
            "Minutes of use, trend",
            usage_trend,
            lambda raw, w: f"minutes {raw:+g}% vs the {w} days before",
            absent_is_zero=False,
            missing="no feature use in either period",
        ),
        Measure(
            "failed_payments",
            "Failed payments",
            failed_payments,
            lambda raw, w: f"{_plural(raw, 'failed payment')} in {w} days",
            absent_is_zero=False,
            missing="nothing billed in the period",
        ),
        Measure(
            "latest_nps",
            "Latest NPS",
            latest_nps,
            lambda raw, w: f"NPS {raw:g} (answered within {w} days)",
            absent_is_zero=False,
            missing="no NPS answer in the period",
        ),
        Measure(
            "overdue_tasks",
            "Overdue customer requests",
            overdue_tasks,
            lambda raw, w: f"{_plural(raw, 'overdue customer request')}",
            absent_is_zero=True,
            uses_window=False,
        ),
    ]
}
