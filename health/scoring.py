"""Scoring accounts with their health model, set-based: one query per measure and window.

`score_accounts` is the one path for the daily snapshot, a re-score of touched
accounts and the backtest's past dates: it reads which model scores each plan,
then each (measure, window) the models use once for all the accounts, and adds
up the points in Python. The number of queries depends on the models, never on
the number of accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

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
) -> list[list[Scored]]:
    """Score `accounts[i]` as of `dates[i]`, for every i, reading each (measure, window)
    once for all the dates (the backtest's twelve past dates cost what one does)."""
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
    return [
        [plans[v.pk].score(pk, i) for pk, v in group if v is not None]
        for i, group in enumerate(chosen)
    ]


class _Plan:
    """One version's factors resolved to their tables, so scoring an account is plain
    tuple work: no dict lookups by measure name per account."""

    def __init__(self, version: HealthModelVersion, raw: dict) -> None:
        self.version_id = version.pk
        self.definition = version.definition
        self.factors = [
            (
                factor["key"],
                raw[(factor["measure"], factor["window"])],
                MEASURES[factor["measure"]].absent_is_zero,
                factor["neutral"],
                [tuple(step) for step in factor["points"]],
            )
            for factor in self.definition["factors"]
        ]
        self.bands = [(b["min"], b["max"], b["band"]) for b in self.definition["bands"]]

    def score(self, pk: int, i: int) -> Scored:
        factors = {}
        total = 0
        for key, tables, absent_is_zero, neutral, steps in self.factors:
            table = tables[i]
            value = None if table is None else table.get(pk)
            if value is None and table is not None and absent_is_zero:
                value = 0
            if value is None:
                points = neutral
            else:
                value = float(value)
                points = 0
                for at_least, earned in steps:
                    if value < at_least:
                        break
                    points = earned
            factors[key] = [value, points]
            total += points
        band = next(b for low, high, b in self.bands if low <= total <= high)
        return Scored(pk, self.version_id, total, band, factors)
