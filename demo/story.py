"""One demo account's history, replayed as the default playbooks would have recorded it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from accounts.models import (
    Account,
    AccountEvent,
    AccountEventKind,
    AccountTag,
    Contact,
    Happiness,
    HappinessChange,
    HealthStatus,
    HealthStatusChange,
    Lifecycle,
    Milestone,
    Plan,
    TagAction,
    TagEvent,
)
from activity.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Feature,
    FeatureSession,
    Feedback,
    Login,
    Payment,
    PaymentStatus,
    Task,
    TaskPriority,
    TaskSource,
    TaskStatus,
)
from core.causes import Cause
from pipelines.models import Card, StageMove
from scoring.models import MilestoneAchievement, ScoreEntry, ScoreSource

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .portfolio import PortfolioBuilder

SYSTEM = Cause.by_system("demo data").as_fields()
# b2's mapping from an NPS answer to a happiness level (lowest score of each level).
HAPPINESS_BY_NPS = [(9, Happiness.VERY_HAPPY), (7, Happiness.HAPPY), (5, Happiness.NEUTRAL)]
MILESTONE_TAG = {m: f"{m.label} User" for m in Milestone}


class AccountStory:
    """One account's history, replayed fact by fact as the default playbooks would record it.

    Each method is one fact and what its playbook does (a1 sign-up, e1/e2
    payments, d1 inactivity and return, c1 feature use, f1 attendance, b2
    feedback, b1 health, b3 milestones, e3 churn): the fact's row, the tags
    and cards it changes with their history rows, and score points. A tag
    or card that is already so writes nothing, as the services do.
    """

    def __init__(self, builder: PortfolioBuilder, account: Account, rows: dict[type, list]):
        self.builder = builder
        self.account = account
        self.rows = rows
        self.tags: dict[str, datetime] = {}  # name: added at
        self.cards: dict[str, tuple] = {}  # pipeline key: (stage, entered at)
        self.reached: list[str] = []
        self.mrr = account.mrr
        account.score = 0
        account.lifecycle = Lifecycle.ACTIVE
        if account.plan == Plan.FREE:
            account.mrr = self.mrr = Decimal(0)

    # --- what the playbooks' actions do -------------------------------------------

    def _history_row(self, model: type, at: datetime, **fields) -> None:
        self.rows[model].append(dict(account=self.account, created_at=at, **fields, **SYSTEM))

    def tag(self, name: str, at: datetime, *, replaces: Iterable[str] = ()) -> None:
        for other in replaces:
            self.untag(other, at)
        if name not in self.tags:
            self.tags[name] = at
            self._history_row(TagEvent, at, tag=self.builder.tags[name], action=TagAction.ADDED)

    def untag(self, name: str, at: datetime) -> None:
        if self.tags.pop(name, None) is not None:
            self._history_row(TagEvent, at, tag=self.builder.tags[name], action=TagAction.REMOVED)

    def move(self, pipeline: str, stage_name: str, at: datetime) -> None:
        stage = self.builder.stages[pipeline][stage_name]
        current = self.cards.get(pipeline)
        if current and current[0] == stage:
            return
        self.cards[pipeline] = (stage, at)
        self._history_row(
            StageMove,
            at,
            pipeline=self.builder.pipeline_ids[pipeline],
            from_stage=current[0] if current else None,
            to_stage=stage,
        )

    def earn(self, points: int, reason: str, source: str, at: datetime, key: str) -> None:
        self._history_row(
            ScoreEntry, at, points=points, reason=reason, source=source, idempotency_key=key
        )
        self.account.score += points
        for threshold, milestone in self.builder.thresholds:
            if self.account.score >= threshold and milestone not in self.reached:
                self.reached.append(milestone)
                self._history_row(
                    MilestoneAchievement, at, milestone=milestone, score=self.account.score
                )
                self.account.milestone = milestone
                label = MILESTONE_TAG[Milestone(milestone)]
                self.tag(label, at, replaces=[t for t in MILESTONE_TAG.values() if t != label])
                self.move("milestone", Milestone(milestone).label, at)

    # --- the facts -----------------------------------------------------------------

    def signed_up(self, at: datetime) -> None:
        account = self.account
        data = {"plan": account.plan, "mrr": str(account.mrr)}
        self._history_row(AccountEvent, at, kind=AccountEventKind.SIGNED_UP, data=data)
        self.tag("Active SaaS", at)
        self.move("subscription", "Active", at)

    def payment(self, at: datetime, *, invoice: str, attempt: int, ok: bool) -> None:
        external_id = f"{invoice}_{attempt}"
        self.rows[Payment].append(
            dict(
                account=self.account,
                external_id=external_id,
                invoice_id=invoice,
                amount=self.mrr,
                currency="USD",
                status=PaymentStatus.SUCCEEDED if ok else PaymentStatus.FAILED,
                failure_reason="" if ok else "card_declined",
                occurred_at=at,
                created_at=at,
                **SYSTEM,
            )
        )
        if ok:
            self.move("subscription", "Active Subscription", at)
            rules = self.builder.rules
            self.earn(
                rules.payment_points,
                f"Payment {invoice} received",
                ScoreSource.PAYMENT,
                at,
                f"payment:{external_id}",
            )
            self.untag("Payment Failed", at)
        else:
            self.tag("Payment Failed", at)
            self.move("subscription", "Subscription Failed", at)

    def logged_in(self, at: datetime) -> None:
        self.rows[Login].append(dict(account=self.account, occurred_at=at, created_at=at, **SYSTEM))
        self.account.last_login_at = at
        if "Inactive" in self.tags:
            self.untag("Inactive", at)
            self.move("login_activity", "Active", at)

    def became_inactive(self, at: datetime) -> None:
        self.tag("Inactive", at)
        self.move("login_activity", "Inactive", at)

    def feature_used(self, at: datetime, *, feature: Feature, minutes: Decimal) -> None:
        self.rows[FeatureSession].append(
            dict(
                account=self.account,
                feature=feature,
                started_at=at,
                minutes=minutes,
                created_at=at,
                **SYSTEM,
            )
        )
        if minutes >= self.builder.rules.feature_session_minutes:
            self.tag(f"Active on {feature.name}", at)
            self.earn(
                feature.points,
                f"{float(minutes)} min in {feature.name}",
                ScoreSource.FEATURE,
                at,
                f"feature-session:{self.account.external_id}:{feature.key}:{at.isoformat()}",
            )

    def appointment(self, at: datetime, *, starts: datetime, status: str, booked: datetime) -> None:
        kind = self.builder.rng.choice(AppointmentKind.values)
        self.rows[Appointment].append(
            dict(
                account=self.account,
                kind=kind,
                starts_at=starts,
                assignee=self.account.owner,
                status=status,
                created_at=booked,
                **SYSTEM,
            )
        )
        if status == AppointmentStatus.ATTENDED:
            self.earn(
                self.builder.rules.appointment_attended_points,
                f"Attended a {AppointmentKind(kind).label}",
                ScoreSource.APPOINTMENT,
                at,
                f"appointment:{self.account.external_id}:{starts.isoformat()}",
            )

    def feedback(self, at: datetime, *, nps: int) -> None:
        comment = self.builder.rng.choice(["", "", "Great support!", "Reports are slow."])
        self.rows[Feedback].append(
            dict(
                account=self.account,
                nps=nps,
                comment=comment,
                submitted_at=at,
                created_at=at,
                **SYSTEM,
            )
        )
        level = next(
            (level for floor, level in HAPPINESS_BY_NPS if nps >= floor), Happiness.NOT_HAPPY
        )
        self._history_row(HappinessChange, at, from_level=self.account.happiness, to_level=level)
        self.account.happiness = level
        label = Happiness(level).label
        self.tag(label, at, replaces=[t for t in Happiness.labels if t != label])
        self.move("happiness", label, at)

    def health_assessed(self, at: datetime, *, status: str) -> None:
        self._history_row(
            HealthStatusChange, at, from_status=self.account.health_status, to_status=status
        )
        self.account.health_status = status
        label = HealthStatus(status).label
        self.tag(label, at, replaces=[t for t in HealthStatus.labels if t != label])
        self.move("health", label, at)

    def task(self, at: datetime, *, done: bool, resolved_by: datetime) -> None:
        rng = self.builder.rng
        self.rows[Task].append(
            dict(
                account=self.account,
                title=rng.choice(
                    ["Set up SSO", "Import historical data", "Invoice question", "Training"]
                ),
                priority=rng.choice(TaskPriority.values),
                due_at=at + timedelta(days=rng.randint(1, 10)),
                assignee=self.account.owner,
                status=TaskStatus.DONE if done else TaskStatus.OPEN,
                resolved_at=(
                    self.builder.between(at, min(at + timedelta(days=3), resolved_by))
                    if done
                    else None
                ),
                source=rng.choice([TaskSource.CUSTOMER, TaskSource.STAFF]),
                created_at=at,
                **SYSTEM,
            )
        )

    def cancelled(self, at: datetime) -> None:
        self._history_row(
            AccountEvent, at, kind=AccountEventKind.CANCELLED, data={"mrr_lost": str(self.mrr)}
        )
        self.account.lifecycle = Lifecycle.CHURNED
        self.account.mrr = Decimal(0)
        self.move("subscription", "Churned", at)
        self.untag("Active SaaS", at)

    def finish(self) -> None:
        """The tags and cards the replay left, once the account has its id."""
        for name, at in self.tags.items():
            self.rows[AccountTag].append(
                dict(account=self.account, tag=self.builder.tags[name], added_at=at)
            )
        for pipeline, (stage, at) in self.cards.items():
            self.rows[Card].append(
                dict(
                    account=self.account,
                    pipeline=self.builder.pipeline_ids[pipeline],
                    stage=stage,
                    entered_stage_at=at,
                )
            )


# The tables a story writes, in an order that satisfies their foreign keys.
INSERT_ORDER = [
    AccountEvent,
    HealthStatusChange,
    HappinessChange,
    Contact,
    Login,
    FeatureSession,
    Payment,
    Appointment,
    Feedback,
    Task,
    ScoreEntry,
    MilestoneAchievement,
    AccountTag,
    TagEvent,
    Card,
    StageMove,
]
