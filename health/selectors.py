"""Reads of computed health: for conditions, the account page, lists and the dashboard."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Case, Count, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from accounts.colours import HEALTH, NOT_SET
from accounts.filters import SegmentInvalid, check_saved_filters
from accounts.models import Account, HealthStatus, Lifecycle, Plan
from core import clock

from .definition import BAND_ORDER
from .measures import MEASURES
from .models import AccountHealth, HealthModel, HealthOverride, HealthSnapshot

SPARK_DAYS = 90


def computed_health_score(account: Account | int) -> int | None:
    """The account's latest computed score, None before its first."""
    pk = account.pk if isinstance(account, Account) else account
    return AccountHealth.objects.filter(account_id=pk).values_list("score", flat=True).first()


@dataclass
class Contribution:
    """One factor's share of a score, as the account page says it."""

    key: str
    label: str
    text: str  # "Logins: 4 active days of 30 → 8/20"
    points: int
    weight: int
    missing: bool


@dataclass
class Movement:
    """How much one factor's points changed since an earlier snapshot."""

    label: str
    delta: int


@dataclass
class HealthPanel:
    """Everything the account page's health section shows, read in four queries."""

    health: AccountHealth | None
    contributions: list[Contribution] = field(default_factory=list)
    sparkline: dict = field(default_factory=dict)
    moved: dict[int, tuple[int | None, list[Movement]]] = field(default_factory=dict)
    override: HealthOverride | None = None
    overrides: list[HealthOverride] = field(default_factory=list)
    scored_by: str = ""  # "Scored by ‘Enterprise model’ v3 (for the segment “Big”)"
    skipped: list[str] = field(default_factory=list)  # segment models passed over, and why

    @property
    def band_label(self) -> str:
        return HealthStatus(self.health.band).label if self.health else ""

    @property
    def band_colour(self) -> str:
        return HEALTH.get(self.health.band, NOT_SET) if self.health else NOT_SET


def contributions(definition: dict, factors: dict[str, list]) -> list[Contribution]:
    """Each factor of `definition` with the raw value seen and the points it earned."""
    rows = []
    for factor in definition["factors"]:
        raw, points = factors.get(factor["key"], [None, factor["neutral"]])
        measure = MEASURES[factor["measure"]]
        seen = (
            f"{measure.missing or 'no data'} (neutral)"
            if raw is None
            else measure.describe(raw, factor["window"])
        )
        label = factor.get("label") or factor["key"]
        rows.append(
            Contribution(
                key=factor["key"],
                label=label,
                text=f"{label}: {seen} → {points}/{factor['weight']}",
                points=points,
                weight=factor["weight"],
                missing=raw is None,
            )
        )
    return rows


def _movements(definition: dict, now: dict, then: dict) -> list[Movement]:
    labels = {f["key"]: f.get("label") or f["key"] for f in definition["factors"]}
    moved = []
    for key, (_, points) in now.items():
        before = then.get(key)
        if before is not None and before[1] != points:
            moved.append(Movement(labels.get(key, key), points - before[1]))
    return sorted(moved, key=lambda m: (-abs(m.delta), m.label))


def account_panel(account: Account) -> HealthPanel:
    """The account's score, band, contributions, 90-day line, what moved it since 7 and 30
    days ago, and the manager's overrides: one query unscored, two scored, three when it has
    overrides, whatever the history's length."""
    any_override = HealthOverride.objects.filter(account=OuterRef("account"))
    health = (
        AccountHealth.objects.filter(account=account)
        .select_related("version__model__segment")
        .annotate(
            has_overrides=Exists(any_override),
            segment_models=Exists(HealthModel.objects.filter(segment__isnull=False)),
        )
        .first()
    )
    if health is None:
        return HealthPanel(None)
    overrides = []
    if health.has_overrides:
        overrides = list(
            HealthOverride.objects.filter(account=account)
            .select_related("cause_user")
            .order_by("-created_at", "-id")[:5]
        )
    now = clock.now()
    in_force = next((o for o in overrides if o.expires_at > now), None)
    panel = HealthPanel(health, override=in_force, overrides=overrides)
    panel.scored_by = scored_by(health, account)
    if health.segment_models:  # one more query only where segments pick models
        panel.skipped = skipped_models(health.version.model_id)
    definition = health.version.definition
    panel.contributions = contributions(definition, health.factors)
    today = timezone.localdate(now)
    days = list(
        HealthSnapshot.objects.filter(account=account, day__gt=today - timedelta(days=SPARK_DAYS))
        .order_by("day")
        .values_list("day", "score", "factors")
    )
    panel.sparkline = _sparkline(days)
    by_day = {day: factors for day, _, factors in days}
    scores = {day: score for day, score, _ in days}
    for ago in (7, 30):
        then = today - timedelta(days=ago)
        earlier = [d for d in by_day if d <= then]
        if earlier:
            day = max(earlier)
            panel.moved[ago] = (
                health.score - scores[day],
                _movements(definition, health.factors, by_day[day]),
            )
        else:
            panel.moved[ago] = (None, [])
    return panel


def _sparkline(days: list) -> dict:
    """A Chart.js line configuration for the scores by day (drawn by static/js/charts.js)."""
    return {
        "type": "line",
        "data": {
            "labels": [day.isoformat() for day, _, _ in days],
            "datasets": [
                {
                    "label": "Health score",
                    "data": [score for _, score, _ in days],
                    "borderColor": "#0d6efd",
                    "pointRadius": 0 if len(days) > 10 else 3,
                    "tension": 0.3,
                    "fill": False,
                }
            ],
        },
        "options": {
            "responsive": True,
            "maintainAspectRatio": False,
            "animation": False,
            "plugins": {"legend": {"display": False}},
            "scales": {
                "x": {"display": False},
                "y": {"min": 0, "max": 100, "ticks": {"stepSize": 25}},
            },
        },
    }


def portfolio_by_band(accounts=None) -> list[tuple[str, str, int]]:
    """(band, label, accounts) for every band, best first, over `accounts` (all active)."""
    scope = AccountHealth.objects.filter(account__lifecycle=Lifecycle.ACTIVE)
    if accounts is not None:
        scope = scope.filter(account__in=accounts)
    counts = dict(scope.values("band").annotate(n=Count("pk")).values_list("band", "n").order_by())
    return [(band.value, band.label, counts.get(band.value, 0)) for band in BAND_ORDER]


def worse_than_on(day) -> QuerySet[AccountHealth]:
    """Active accounts' latest scores whose band is worse than their latest snapshot on or
    before `day` (one query), annotated with `then_band`, `then_score` and the two ranks
    (0 = best). The dashboard's "worsened this week" and the work queue's detector read it."""
    then = HealthSnapshot.objects.filter(account=OuterRef("account"), day__lte=day).order_by("-day")
    rank = Case(*[When(band=b.value, then=Value(i)) for i, b in enumerate(BAND_ORDER)])
    then_rank = Case(*[When(then_band=b.value, then=Value(i)) for i, b in enumerate(BAND_ORDER)])
    return (
        AccountHealth.objects.filter(account__lifecycle=Lifecycle.ACTIVE)
        .annotate(
            then_band=Subquery(then.values("band")[:1]),
            then_score=Subquery(then.values("score")[:1]),
        )
        .exclude(then_band=None)
        .annotate(rank=rank, then_rank=then_rank)
        .filter(rank__gt=F("then_rank"))
    )


def worsened_this_week(accounts=None, limit: int = 10) -> list[dict]:
    """Active accounts (of `accounts`) whose computed band is worse than a week ago, worst
    first (one query)."""
    week_ago = timezone.localdate(clock.now()) - timedelta(days=7)
    rows = worse_than_on(week_ago)
    if accounts is not None:
        rows = rows.filter(account__in=accounts)
    rows = rows.order_by("-rank", "score", "account_id").values(
        "account_id", "account__name", "score", "band", "then_band", "then_score"
    )[:limit]
    return [
        {
            **row,
            "band_label": HealthStatus(row["band"]).label,
            "then_label": HealthStatus(row["then_band"]).label,
        }
        for row in rows
    ]


def portfolio_health(accounts=None) -> dict:
    """The dashboard's section: accounts by computed band, and those that worsened this week."""
    bands = portfolio_by_band(accounts)
    return {
        "bands": [
            {"band": b, "label": label, "count": n, "colour": HEALTH.get(b, NOT_SET)}
            for b, label, n in bands
        ],
        "scored": sum(n for _, _, n in bands),
        "worsened": worsened_this_week(accounts),
    }


def scored_by(health: AccountHealth, account: Account) -> str:
    """Which model scored the account and by which rule (health.scoring.ModelPicker)."""
    model, number = health.version.model, health.version.number
    if model.segment_id and model.segment:
        why = f"for the segment “{model.segment.name}”"
    elif account.plan in model.plans:
        why = f"for the {Plan(account.plan).label} plan"
    elif model.is_default:
        why = "the default model"
    else:
        why = "its rule has changed since; the next score follows the new one"
    return f"Scored by ‘{model.name}’ v{number} ({why})"


def skipped_models(scoring_model_id: int) -> list[str]:
    """The segment-bound models scoring passes over because their segment no longer
    applies, each saying why, so a manager sees why the account fell back."""
    notes = []
    bound = HealthModel.objects.filter(segment__isnull=False, current_version__isnull=False)
    for model in bound.exclude(pk=scoring_model_id).select_related("segment"):
        try:
            check_saved_filters(model.segment.filters)
        except SegmentInvalid as refusal:
            notes.append(
                f"‘{model.name}’ is not used: its segment “{model.segment.name}” no longer "
                f"applies ({refusal.message.rstrip('.')}), so its accounts are scored by "
                "their plan's model or the default."
            )
    return notes
