"""Scoring accounts with their health model, set-based: one query per measure and window.

`score_accounts` is the one path for the daily snapshot, a re-score of touched
accounts and the backtest's past dates: it reads which model scores each account (ModelPicker),
then each (measure, window) the models use once for all the accounts, and adds
up the points in Python. The number of queries depends on the models, never on
the number of accounts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet, Value

from accounts.filters import NOT_SAVED, AccountFilter, SegmentInvalid, check_saved_filters
from accounts.models import Account

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


class ModelPicker:
    """Which published version scores each account: the one active model per account.

    Precedence, first match wins:
    1. a model bound to a saved segment the account is a member of (two such: the
       model first by name);
    2. the model whose plans include the account's plan;
    3. the default model.
    A segment that no longer applies (its tag deleted since, a filter the list lost) is
    skipped, so its members fall to their plan's model or the default, and `skipped`
    says why (the account page and the models page show it). Membership is today's,
    also for the backtest's past dates (segments keep no history).

    Two queries per run, whatever the number of accounts: the models, and the members
    of every bound segment at once (one UNION; none when no model is bound to a
    segment), plus one lookup per bound segment whose filter names a tag or an owner
    (checking it still exists).
    """

    def __init__(self, scope: Iterable[int] | None = None) -> None:
        self.by_plan: dict[str, HealthModelVersion] = {}
        self.by_account: dict[int, HealthModelVersion] = {}
        self.default: HealthModelVersion | None = None
        self.skipped: dict[str, str] = {}  # model name → why its segment was skipped
        models = HealthModel.objects.filter(current_version__isnull=False).select_related(
            "current_version", "segment"
        )
        bound = []
        for model in models.order_by("is_default", "name"):
            if model.is_default:
                self.default = model.current_version
            for plan in model.plans:
                self.by_plan.setdefault(plan, model.current_version)
            if model.segment is not None:
                bound.append(model)
        self._members(bound, None if scope is None else list(scope))

    def _members(self, bound: list[HealthModel], scope: list[int] | None) -> None:
        parts = []
        for model in bound:
            try:
                members = _members_of(model.segment.filters)
            except SegmentInvalid as refusal:
                self.skipped[model.name] = (
                    f"segment “{model.segment.name}” no longer applies: {refusal.message}"
                )
                continue
            if scope is not None:
                members = members.filter(pk__in=scope)
            parts.append(
                members.order_by().annotate(model=Value(model.pk)).values_list("pk", "model")
            )
        if not parts:
            return
        rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        version_of = {model.pk: model.current_version for model in bound}
        rank = {model.pk: n for n, model in enumerate(sorted(bound, key=lambda m: m.name))}
        best: dict[int, int] = {}
        for pk, model_pk in rows:
            if pk not in best or rank[model_pk] < rank[best[pk]]:
                best[pk] = model_pk
        self.by_account = {pk: version_of[model_pk] for pk, model_pk in best.items()}

    def for_account(self, pk: int, plan: str) -> HealthModelVersion | None:
        return self.by_account.get(pk) or self.by_plan.get(plan, self.default)

    def for_plan(self, plan: str) -> HealthModelVersion | None:
        return self.by_plan.get(plan, self.default)


def _members_of(filters: object) -> QuerySet:
    """A segment's members (accounts.filters.saved_filter_members), checking its filters
    once: a saved tag or owner costs one lookup per segment, not two."""
    if isinstance(filters, dict) and all(isinstance(v, str) for v in filters.values()):
        found = AccountFilter(filters, queryset=Account.objects.all())
        known = set(AccountFilter.base_filters) - NOT_SAVED
        if set(filters) <= known and found.form.is_valid():
            return found.qs
    check_saved_filters(filters)  # it is not valid: say why
    raise SegmentInvalid("its filters cannot be applied.")


VersionsByPlan = ModelPicker  # the name it had before segments could pick a model


def score_accounts(
    accounts: Sequence[tuple[int, str]],
    *,
    as_of: datetime,
    scope: Iterable[int] | None = None,
    versions: ModelPicker | None = None,
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
    versions: ModelPicker | None = None,
    totals_only: bool = False,
) -> list[list]:
    """Score `accounts[i]` as of `dates[i]`, for every i, reading each (measure, window)
    once for all the dates (the backtest's twelve past dates cost what one does).

    Each result is a Scored, or with `totals_only` (the backtest) `(account id, total,
    band)`: no per-factor detail to build a million times."""
    ids = list(scope) if scope is not None else None
    versions = versions or ModelPicker(ids)
    chosen = [[(pk, versions.for_account(pk, plan)) for pk, plan in group] for group in accounts]
    used = {v.pk: v for group in chosen for _, v in group if v is not None}
    wanted = {
        (factor["measure"], factor["window"])
        for version in used.values()
        for factor in version.definition["factors"]
    }
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
