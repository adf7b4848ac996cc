"""What a health factor can measure: one set-based query per measure and window.

Each measure reads every account it is asked about in ONE query, as of one or more
moments (`dates`, each exclusive), so the daily score, a single re-score and the
backtest's twelve past dates share one path: a measure over several dates is one
scan with one filtered aggregate per date (GROUP BY account), not a query per date.
A measure returns, per date, {account id: raw value}; an account it has no data for
is absent, and its factor earns the neutral value (or 0, see Measure.absent_is_zero).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections
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
Dates = Sequence[datetime]


def _scoped(queryset: QuerySet, account_ids: Iterable[int] | None) -> QuerySet:
    return queryset if account_ids is None else queryset.filter(account_id__in=list(account_ids))


def _span(field: str, dates: Dates, days: int, before: int = 0) -> Q:
    """Rows in any date's window: from the earliest start to the latest end."""
    return Q(
        **{
            f"{field}__gte": min(dates) - timedelta(days=days + before),
            f"{field}__lt": max(dates) - timedelta(days=before),
        }
    )


def _window(field: str, as_of: datetime, days: int, before: int = 0) -> Q:
    """Rows in the `days` before `as_of` (shifted `before` days earlier)."""
    end = as_of - timedelta(days=before)
    return Q(**{f"{field}__gte": end - timedelta(days=days), f"{field}__lt": end})


def _fetch(queryset: QuerySet) -> list[tuple]:
    """The queryset's rows as the database driver returns them: a measure's columns are
    ids, counts and sums, which need none of the ORM's per-value converters (at 100k
    accounts those cost more than the query)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _per_date(queryset: QuerySet, count: int, keep: Callable[..., float | None]) -> list[Raw]:
    """Split the `(account id, value(s) for date 0, for date 1, …)` rows into one
    {account id: raw} per date; `keep(value, …)` gives the raw value or None (absent)."""
    out: list[Raw] = [{} for _ in range(count)]
    rows = _fetch(queryset)
    if not rows:
        return out
    width = (len(rows[0]) - 1) // count
    for row in rows:
        pk = row[0]
        for i in range(count):
            raw = keep(*row[1 + i * width : 1 + (i + 1) * width])
            if raw is not None:
                out[i][pk] = raw
    return out


def _positive(n: int) -> int | None:
    return n or None


def login_days(dates: Dates, window: int, account_ids: Iterable[int] | None) -> list[Raw]:
    """Days with at least one login in the `window` days before each date; 0 when none."""
    logins = _scoped(Login.objects.filter(_span("occurred_at", dates, window)), account_ids)
    aggregates = {
        f"d{i}": Count("day", distinct=True, filter=_window("occurred_at", as_of, window))
        for i, as_of in enumerate(dates)
    }
    rows = (
        logins.annotate(day=TruncDate("occurred_at"))
        .values("account_id")
        .annotate(**aggregates)
        .values_list("account_id", *aggregates)
        .order_by()
    )
    return _per_date(rows, len(dates), _positive)


def feature_adoption(
    dates: Dates, window: int, account_ids: Iterable[int] | None
) -> list[Raw | None]:
    """Percent of the catalogue's active features the account used within each feature's
    own "not used" timeframe. None (missing for everyone) with no active feature."""
    features = list(Feature.objects.filter(is_active=True).values_list("pk", "not_used_days"))
    if not features:
        return [None] * len(dates)
    longest = max(days for _, days in features)
    sessions = FeatureSession.objects.filter(
        _span("started_at", dates, longest), feature_id__in=[pk for pk, _ in features]
    )
    by_days: dict[int, list[int]] = {}
    for pk, days in features:
        by_days.setdefault(days, []).append(pk)
    aggregates = {}
    for i, as_of in enumerate(dates):
        recent = Q()
        for days, pks in sorted(by_days.items()):  # one condition per timeframe, not feature
            recent |= Q(feature_id__in=pks, started_at__gte=as_of - timedelta(days=days))
        aggregates[f"u{i}"] = Count(
            "feature_id", distinct=True, filter=recent & Q(started_at__lt=as_of)
        )
    rows = (
        _scoped(sessions, account_ids)
        .values("account_id")
        .annotate(**aggregates)
        .values_list("account_id", *aggregates)
        .order_by()
    )
    return _per_date(rows, len(dates), lambda n: round(100 * n / len(features)) if n else None)


def usage_trend(dates: Dates, window: int, account_ids: Iterable[int] | None) -> list[Raw]:
    """Minutes of feature use in the last `window` days against the `window` days before,
    in percent (-100: stopped, +100: doubled or started). Missing with no use in either."""
    sessions = FeatureSession.objects.filter(_span("started_at", dates, 2 * window))
    aggregates = {}
    for i, as_of in enumerate(dates):
        aggregates[f"r{i}"] = Sum("minutes", filter=_window("started_at", as_of, window), default=0)
        aggregates[f"b{i}"] = Sum(
            "minutes", filter=_window("started_at", as_of, window, before=window), default=0
        )
    rows = (
        _scoped(sessions, account_ids)
        .values("account_id")
        .annotate(**aggregates)
        .values_list("account_id", *aggregates)
        .order_by()
    )
    return _per_date(rows, len(dates), _trend)


def _trend(recent, before) -> int | None:
    if before:
        return max(-100, min(100, round(100 * (recent - before) / before)))
    return 100 if recent else None


def failed_payments(dates: Dates, window: int, account_ids: Iterable[int] | None) -> list[Raw]:
    """Failed payment attempts in the window. Missing when nothing was billed in it (a free
    plan), so an account that is never charged is not rewarded for never failing."""
    payments = Payment.objects.filter(_span("occurred_at", dates, window))
    failed = Q(status=PaymentStatus.FAILED)
    aggregates = {}
    for i, as_of in enumerate(dates):
        aggregates[f"n{i}"] = Count("pk", filter=_window("occurred_at", as_of, window))
        aggregates[f"f{i}"] = Count("pk", filter=_window("occurred_at", as_of, window) & failed)
    rows = (
        _scoped(payments, account_ids)
        .values("account_id")
        .annotate(**aggregates)
        .values_list("account_id", *aggregates)
        .order_by()
    )
    return _per_date(rows, len(dates), lambda billed, failed: failed if billed else None)


def latest_nps(dates: Dates, window: int, account_ids: Iterable[int] | None) -> list[Raw]:
    """The latest NPS answered within the window (older answers are stale: missing).

    Answers are few (one per account and survey): read once, oldest first, and the
    latest before each date wins."""
    answers = _scoped(Feedback.objects.filter(_span("submitted_at", dates, window)), account_ids)
    rows = answers.order_by("account_id", "submitted_at").values_list(
        "account_id", "submitted_at", "nps"
    )
    out: list[Raw] = [{} for _ in dates]
    starts = [(i, as_of - timedelta(days=window), as_of) for i, as_of in enumerate(dates)]
    for pk, submitted_at, nps in rows:
        for i, start, end in starts:
            if start <= submitted_at < end:
                out[i][pk] = nps  # the latest wins
    return out


def overdue_tasks(dates: Dates, window: int, account_ids: Iterable[int] | None) -> list[Raw]:
    """Customer-requested tasks open and past their due time at each date; 0 when none."""
    tasks = Task.objects.filter(
        source=TaskSource.CUSTOMER, created_at__lt=max(dates), due_at__lt=max(dates)
    ).filter(Q(resolved_at__isnull=True, status=TaskStatus.OPEN) | Q(resolved_at__gte=min(dates)))
    aggregates = {
        f"n{i}": Count(
            "pk",
            filter=Q(created_at__lt=as_of, due_at__lt=as_of)
            & (Q(resolved_at__isnull=True, status=TaskStatus.OPEN) | Q(resolved_at__gte=as_of)),
        )
        for i, as_of in enumerate(dates)
    }
    rows = (
        _scoped(tasks, account_ids)
        .values("account_id")
        .annotate(**aggregates)
        .values_list("account_id", *aggregates)
        .order_by()
    )
    return _per_date(rows, len(dates), _positive)


@dataclass(frozen=True)
class Measure:
    """A measure's query, how its raw value reads, and what "missing" means for it."""

    key: str
    label: str
    read: Callable[[Dates, int, Iterable[int] | None], list[Raw | None]]
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
