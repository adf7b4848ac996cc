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

from .definition import band_of, factor_points
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
    versions = versions or VersionsByPlan()
    chosen = [(pk, versions.for_plan(plan)) for pk, plan in accounts]
    used = {version.pk: version for _, version in chosen if version is not None}
    wanted = {
        (factor["measure"], factor["window"])
        for version in used.values()
        for factor in version.definition["factors"]
    }
    ids = list(scope) if scope is not None else None
    raw = {(m, w): MEASURES[m].read(as_of, w, ids) for m, w in sorted(wanted)}
    results = []
    for pk, version in chosen:
        if version is None:
            continue
        definition = version.definition
        factors = {}
        for factor in definition["factors"]:
            measure = MEASURES[factor["measure"]]
            table = raw[(factor["measure"], factor["window"])]
            value = None if table is None else table.get(pk)
            if value is None and table is not None and measure.absent_is_zero:
                value = 0
            value = None if value is None else float(value)
            factors[factor["key"]] = [value, factor_points(factor, value)]
        score = sum(points for _, points in factors.values())
        results.append(Scored(pk, version.pk, score, band_of(definition, score), factors))
    return results
