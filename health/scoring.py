"""Scoring accounts with their health model, set-based: one query per measure and window.

`score_accounts` is the one path for the daily snapshot, a re-score of touched
accounts and the backtest's past dates: it reads which model scores each plan,
then each (measure, window) the models use once for all the accounts, and adds
up the points in Python. The number of queries depends on the models, never on
the number of accounts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .definition import band_of
from .measures import MEASURES
from .models import HealthModel, HealthModelVersion


@dataclass(frozen=True)
class Scored:
    """One account's score: the version used, the total, its band and per factor
    key `[raw value or None, points]`."""

    account_id: int
    version_id: int
    score: int
    band: str
    factors: dict[str, list]


class VersionsByPlan:
    """Which published version scores an account of each plan (one query)."""

    def __init__(self) -> None:
        self.by_plan: dict[str, HealthModelVersion] = {}
        self.default: HealthModelVersion | None = None
        models = HealthModel.objects.filter(current_version__isnull=False).select_related(
            "current_version"
        )
        for model in models.order_by("is_default", "name"):
            if model.is_default:
                self.default = model.current_version
            for plan in model.plans:
                self.by_plan.setdefault(plan, model.current_version)

    def for_plan(self, plan: str) -> HealthModelVersion | None:
        return self.by_plan.get(plan, self.default)


def score_accounts(
    accounts: Sequence[tuple[int, str]],
    *,
    as_of: datetime,
    scope: Iterable[int] | None = None,
    versions: VersionsByPlan | None = None,
) -> list[Scored]:
    """Score each `(account id, plan)` as of `as_of` from the recorded history.

    `scope` limits the measures' queries to those account ids (a re-score of a few);
    None reads every account's data in one go (the daily run and the backtest).
    Accounts whose plan no model scores are left out.
    """
    return score_at_dates([accounts], [as_of], scope=scope, versions=versions)[0]


def score_at_dates(
    accounts: Sequence[Sequence[tuple[int, str]]],
    dates: Sequence[datetime],
    *,
    scope: Iterable[int] | None = None,
    versions: VersionsByPlan | None = None,
    totals_only: bool = False,
) -> list[list]:
    """Score `accounts[i]` as of `dates[i]`, for every i, reading each (measure, window)
    once for all the dates (the backtest's twelve past dates cost what one does).

    Each result is a Scored, or with `totals_only` (the backtest) `(account id, total,
    band)`: no per-factor detail to build a million times."""
    versions = versions or VersionsByPlan()
    chosen = [[(pk, versions.for_plan(plan)) for pk, plan in group] for group in accounts]
    used = {v.pk: v for group in chosen for _, v in group if v is not None}
    wanted = {
        (factor["measure"], factor["window"])
        for version in used.values()
        for factor in version.definition["factors"]
    }
    ids = list(scope) if scope is not None else None
    raw = {(m, w): MEASURES[m].read(dates, w, ids) for m, w in sorted(wanted)}
    plans = {pk: _Plan(version, raw) for pk, version in used.items()}
    if totals_only:
        return [
            [(pk, *plans[v.pk].total(pk, i)) for pk, v in group if v is not None]
            for i, group in enumerate(chosen)
        ]
    return [
        [plans[v.pk].score(pk, i) for pk, v in group if v is not None]
        for i, group in enumerate(chosen)
    ]


class _Plan:
    """One version's factors resolved to their tables and its bands to a lookup, so
    scoring an account is plain tuple work (bisect over each factor's steps, the same
    steps as definition.factor_points): the backtest scores a million account-dates."""

    def __init__(self, version: HealthModelVersion, raw: dict) -> None:
        self.version_id = version.pk
        self.definition = version.definition
        self.factors = []
        for factor in self.definition["factors"]:
            steps = factor["points"]
            self.factors.append(
                (
                    factor["key"],
                    raw[(factor["measure"], factor["window"])],
                    MEASURES[factor["measure"]].absent_is_zero,
                    factor["neutral"],
                    [at_least for at_least, _ in steps],
                    [0] + [points for _, points in steps],  # below the first step: 0
                )
            )
        self.band_at = [band_of(self.definition, total) for total in range(101)]

    def _points(self, pk: int, i: int):
        for key, tables, absent_is_zero, neutral, thresholds, earned in self.factors:
            table = tables[i]
            value = None if table is None else table.get(pk)
            if value is None and table is not None and absent_is_zero:
                value = 0
            if value is None:
                yield key, None, neutral
            else:
                value = float(value)
                yield key, value, earned[bisect_right(thresholds, value)]

    def score(self, pk: int, i: int) -> Scored:
        factors = {key: [value, points] for key, value, points in self._points(pk, i)}
        total = sum(points for _, points in factors.values())
        return Scored(pk, self.version_id, total, self.band_at[total], factors)

    def total(self, pk: int, i: int) -> tuple[int, str]:
        total = sum(points for _, _, points in self._points(pk, i))
        return total, self.band_at[total]
