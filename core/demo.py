"""A believable demo portfolio, written in bulk.

Demo data bypasses the services on purpose: it writes finished history
(facts, ledger lines, tags, cards and the rows that explain them) in bulk,
so 100,000 accounts take a minute rather than hours. Each account's score is
its ledger's sum and every tag and card has its history row, exactly as the
services would have left them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import (
    Account,
    AccountTag,
    Contact,
    Happiness,
    HealthStatus,
    Lifecycle,
    Milestone,
    Plan,
    Tag,
    TagAction,
    TagEvent,
)
from accounts.roles import ADMIN, AFFILIATE_MANAGER, CSM, MANAGER
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
from core import clock
from core.bulk import insert_rows
from core.causes import Cause
from pipelines.models import Card, Pipeline, StageMove
from scoring.models import MilestoneAchievement, MilestoneLevel, ScoreEntry, ScoreSource
from scoring.selectors import scoring_rules

CHUNK = 2000
SYSTEM = Cause.by_system("demo data").as_fields()

PLAN_WEIGHTS = {
    Plan.FREE: 20,
    Plan.STARTER: 35,
    Plan.PRO: 28,
    Plan.BUSINESS: 12,
    Plan.ENTERPRISE: 5,
}
PLAN_MRR = {
    Plan.FREE: (0, 0),
    Plan.STARTER: (29, 99),
    Plan.PRO: (99, 499),
    Plan.BUSINESS: (499, 1999),
    Plan.ENTERPRISE: (2000, 12000),
}
HEALTH_WEIGHTS = {"": 30, "thriving": 15, "healthy": 30, "steady": 15, "struggling": 10}
HAPPINESS_BY_NPS = [(9, Happiness.VERY_HAPPY), (7, Happiness.HAPPY), (5, Happiness.NEUTRAL)]
TIMEZONES = ["", "", "Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"]
MILESTONE_TAG = {m: f"{m.label} User" for m in Milestone}

NAME_FIRST = [
    "Blue",
    "Apex",
    "Bright",
    "Cedar",
    "Delta",
    "Ember",
    "Fable",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kite",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
    "Pine",
    "Quartz",
    "River",
    "Summit",
    "Tidal",
    "Umber",
    "Vertex",
    "Willow",
    "Zenith",
    "Aurora",
    "Beacon",
    "Copper",
    "Drift",
]
NAME_SECOND = [
    "Analytics",
    "Labs",
    "Logistics",
    "Health",
    "Studio",
    "Foods",
    "Robotics",
    "Finance",
    "Media",
    "Systems",
    "Works",
    "Cloud",
    "Partners",
    "Retail",
    "Energy",
    "Travel",
    "Learning",
    "Security",
    "Design",
    "Networks",
]
NAME_SUFFIX = ["Inc", "GmbH", "Ltd", "LLC", "Co", "SA", "BV", "Group"]
PEOPLE = [
    "Ana",
    "Ben",
    "Chloe",
    "David",
    "Emma",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kim",
    "Lea",
    "Marco",
    "Nina",
    "Omar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sami",
    "Tara",
    "Umar",
    "Vera",
    "Wim",
    "Xia",
    "Yara",
    "Zoe",
]
SURNAMES = [
    "Ahmed",
    "Berg",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Rossi",
    "Silva",
    "Tanaka",
    "Weber",
]

DEMO_STAFF = [
    # username, first name, last name, roles, superuser
    ("admin", "Ada", "Admin", [ADMIN], True),
    ("manager", "Maria", "Manager", [MANAGER], False),
    ("csm", "Carl", "Success", [CSM], False),
    ("csm2", "Dana", "Success", [CSM], False),
    ("csm3", "Eli", "Success", [CSM], False),
    ("affiliate", "Alex", "Affiliates", [AFFILIATE_MANAGER], False),
]


def ensure_demo_staff(*, password: str) -> list:
    """Create the demo staff users (once) and return the CSMs and the manager."""
    user_model = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    owners = []
    for username, first, last, roles, superuser in DEMO_STAFF:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@opencsm.example",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            user.groups.set([groups[role] for role in roles if role in groups])
        if CSM in roles or MANAGER in roles:
            owners.append(user)
    return owners


def build_demo_portfolio(
    *,
    accounts: int,
    staff: list,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> Counter:
    """Write `accounts` demo accounts with their history; returns row counts by kind."""
    if connection.vendor == "sqlite":
        # A 256 MB page cache keeps the growing indexes in memory while loading.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    builder = _PortfolioBuilder(random.Random(seed), staff)
    counts: Counter = Counter()
    start = Account.objects.filter(external_id__startswith="demo-").count()
    for offset in range(0, accounts, CHUNK):
        size = min(CHUNK, accounts - offset)
        with transaction.atomic():
            counts.update(builder.write_chunk(start + offset, size))
        if progress:
            progress(offset + size, accounts)
    return counts


class _PortfolioBuilder:
    """Makes one chunk of accounts at a time, then inserts each table in bulk."""

    def __init__(self, rng: random.Random, staff: list) -> None:
        self.rng = rng
        self.staff = staff
        self.now = clock.now()
        self.rules = scoring_rules()
        self.features = list(Feature.objects.filter(is_active=True))
        self.thresholds = [
            (level.threshold, level.milestone)
            for level in MilestoneLevel.objects.order_by("threshold")
        ]
        self.pipelines = {
            p.key: {s.name: s for s in p.stages.all()}
            for p in Pipeline.objects.prefetch_related("stages")
        }
        self.pipeline_ids = {p.key: p.pk for p in Pipeline.objects.all()}
        names = ["Active SaaS", "Inactive", "Payment Failed"]
        names += [s.label for s in HealthStatus] + [h.label for h in Happiness]
        names += list(MILESTONE_TAG.values())
        self.tags = {}
        for name in names:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            self.tags[name] = tag

    def pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def write_chunk(self, start: int, size: int) -> Counter:
        rng, now = self.rng, self.now
        accounts = []
        for i in range(start, start + size):
            plan = self.pick(PLAN_WEIGHTS)
            low, high = PLAN_MRR[plan]
            signed_up = now - timedelta(days=rng.randint(5, 720), minutes=rng.randint(0, 1439))
            churned = plan != Plan.FREE and rng.random() < 0.05
            accounts.append(
                Account(
                    name=f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} "
                    f"{rng.choice(NAME_SUFFIX)} {i + 1}",
                    external_id=f"demo-{i + 1:06d}",
                    plan=plan,
                    mrr=Decimal(0 if churned else rng.randint(low, high)),
                    owner=rng.choice(self.staff) if self.staff else None,
                    signed_up_at=signed_up,
                    health_status=self.pick(HEALTH_WEIGHTS),
                    lifecycle=Lifecycle.CHURNED if churned else Lifecycle.ACTIVE,
                    timezone=rng.choice(TIMEZONES),
                )
            )
        rows: dict[type, list] = {model: [] for model in INSERT_ORDER}
        for account in accounts:
            self._account_history(account, rows)
        # The history decided each account's score, milestone and last login;
        # now the accounts get their ids, which the history rows then read.
        insert_rows(Account, [_row(account) for account in accounts])
        ids = dict(
            Account.objects.filter(
                external_id__in=[account.external_id for account in accounts]
            ).values_list("external_id", "pk")
        )
        for account in accounts:
            account.pk = ids[account.external_id]
        for model in INSERT_ORDER:
            insert_rows(model, rows[model])
        counts = Counter({"accounts": len(accounts)})
        counts.update({model._meta.verbose_name_plural: len(rows[model]) for model in INSERT_ORDER})
        return counts

    def _account_history(self, account: Account, rows: dict[type, list]) -> None:
        rng, now = self.rng, self.now
        age_days = max(1, (now - account.signed_up_at).days)
        primary = dict(
            account=account,
            name=f"{rng.choice(PEOPLE)} {rng.choice(SURNAMES)}",
            email=f"owner{account.external_id[5:]}@customer.example",
            phone=f"+1415{rng.randint(1000000, 9999999)}",
            is_primary=True,
        )
        rows[Contact].append(primary)
        if rng.random() < 0.5:
            rows[Contact].append(
                dict(
                    account=account,
                    name=f"{rng.choice(PEOPLE)} {rng.choice(SURNAMES)}",
                    email=f"team{account.external_id[5:]}@customer.example",
                )
            )
        ledger: list[dict] = []

        def earn(points: int, reason: str, source: str, at, key: str) -> None:
            ledger.append(
                dict(
                    account=account,
                    points=points,
                    reason=reason,
                    source=source,
                    idempotency_key=key,
                    created_at=at,
                    **SYSTEM,
                )
            )

        # Logins: recent for most accounts, long ago for the ones drifting away.
        inactive = rng.random() < 0.18
        last_login = None
        for n in range(rng.randint(1, 7)):
            days_ago = rng.randint(8, min(60, age_days + 8)) if inactive else rng.randint(0, 6)
            at = now - timedelta(days=days_ago, minutes=rng.randint(0, 1439), seconds=n)
            at = max(at, account.signed_up_at + timedelta(seconds=n))
            rows[Login].append(dict(account=account, occurred_at=at, created_at=at, **SYSTEM))
            last_login = max(last_login or at, at)
        account.last_login_at = last_login

        for feature in rng.sample(self.features, k=min(len(self.features), rng.randint(0, 4))):
            at = now - timedelta(days=rng.randint(0, min(age_days, 90)), hours=rng.randint(0, 23))
            minutes = Decimal(rng.randint(1, 45))
            rows[FeatureSession].append(
                dict(
                    account=account,
                    feature=feature,
                    started_at=at,
                    minutes=minutes,
                    created_at=at,
                    **SYSTEM,
                )
            )
            if minutes >= self.rules.feature_session_minutes:
                earn(
                    feature.points,
                    f"{minutes} min in {feature.name}",
                    ScoreSource.FEATURE,
                    at,
                    f"feature-session:{account.external_id}:{feature.key}:{at.isoformat()}",
                )

        payment_failed = False
        if account.plan != Plan.FREE:
            months = min(rng.randint(3, 12), max(1, age_days // 30))
            for month in range(months, 0, -1):
                at = now - timedelta(days=30 * month - rng.randint(0, 5))
                failed = month == 1 and rng.random() < 0.08
                payment_failed = failed
                external_id = f"in_{account.external_id}_{month}"
                rows[Payment].append(
                    dict(
                        account=account,
                        external_id=external_id,
                        amount=account.mrr or Decimal(49),
                        currency="USD",
                        status=PaymentStatus.FAILED if failed else PaymentStatus.SUCCEEDED,
                        failure_reason="card_declined" if failed else "",
                        occurred_at=at,
                        created_at=at,
                        **SYSTEM,
                    )
                )
                if not failed:
                    earn(
                        self.rules.payment_points,
                        "Payment succeeded",
                        ScoreSource.PAYMENT,
                        at,
                        f"payment:{external_id}",
                    )

        if rng.random() < 0.2:
            past = rng.random() < 0.6
            starts = now + (
                timedelta(days=-rng.randint(1, 60))
                if past
                else timedelta(hours=rng.randint(2, 300))
            )
            status = (
                rng.choice([AppointmentStatus.ATTENDED] * 4 + [AppointmentStatus.NO_SHOW])
                if past
                else AppointmentStatus.BOOKED
            )
            rows[Appointment].append(
                dict(
                    account=account,
                    kind=rng.choice(AppointmentKind.values),
                    starts_at=starts,
                    assignee=account.owner,
                    status=status,
                    created_at=min(starts, now) - timedelta(days=3),
                    **SYSTEM,
                )
            )
            if status == AppointmentStatus.ATTENDED:
                earn(
                    self.rules.appointment_attended_points,
                    "Attended an appointment",
                    ScoreSource.APPOINTMENT,
                    starts,
                    f"appointment:{account.external_id}:{starts.isoformat()}",
                )

        if rng.random() < 0.3:
            nps = rng.choices(range(11), weights=[1, 1, 1, 1, 2, 3, 4, 6, 8, 7, 5])[0]
            at = now - timedelta(days=rng.randint(0, 80))
            rows[Feedback].append(
                dict(
                    account=account,
                    nps=nps,
                    comment=rng.choice(["", "", "Great support!", "Reports are slow."]),
                    submitted_at=at,
                    created_at=at,
                    **SYSTEM,
                )
            )
            account.happiness = next(
                (level for floor, level in HAPPINESS_BY_NPS if nps >= floor), Happiness.NOT_HAPPY
            )

        if rng.random() < 0.15:
            created = now - timedelta(days=rng.randint(0, 20))
            done = rng.random() < 0.4
            rows[Task].append(
                dict(
                    account=account,
                    title=rng.choice(
                        ["Set up SSO", "Import historical data", "Invoice question", "Training"]
                    ),
                    priority=rng.choice(TaskPriority.values),
                    due_at=created + timedelta(days=rng.randint(1, 10)),
                    assignee=account.owner,
                    status=TaskStatus.DONE if done else TaskStatus.OPEN,
                    resolved_at=created + timedelta(days=1) if done else None,
                    source=rng.choice([TaskSource.CUSTOMER, TaskSource.STAFF]),
                    created_at=created,
                    **SYSTEM,
                )
            )

        ledger.sort(key=lambda entry: entry["created_at"])
        account.score = 0
        reached = []
        for entry in ledger:
            account.score += entry["points"]
            for threshold, milestone in self.thresholds:
                if account.score >= threshold and milestone not in reached:
                    reached.append(milestone)
                    rows[MilestoneAchievement].append(
                        dict(
                            account=account,
                            milestone=milestone,
                            score=account.score,
                            created_at=entry["created_at"],
                            **SYSTEM,
                        )
                    )
        rows[ScoreEntry].extend(ledger)
        account.milestone = reached[-1] if reached else ""

        # Tags and cards as the playbooks would have left them.
        tags = ["Active SaaS"]
        cards = {"subscription": "Active Subscription" if account.plan != Plan.FREE else "Active"}
        if account.lifecycle == Lifecycle.CHURNED:
            cards["subscription"] = "Churned"
        elif payment_failed:
            tags.append("Payment Failed")
            cards["subscription"] = "Subscription Failed"
        if account.health_status:
            label = HealthStatus(account.health_status).label
            tags.append(label)
            cards["health"] = label
        if account.happiness:
            label = Happiness(account.happiness).label
            tags.append(label)
            cards["happiness"] = label
        if account.milestone:
            tags.append(MILESTONE_TAG[Milestone(account.milestone)])
            cards["milestone"] = Milestone(account.milestone).label
        if inactive:
            tags.append("Inactive")
        cards["login_activity"] = "Inactive" if inactive else "Active"
        at = account.signed_up_at
        for name in tags:
            tag = self.tags[name]
            rows[AccountTag].append(dict(account=account, tag=tag, added_at=at))
            rows[TagEvent].append(
                dict(account=account, tag=tag, action=TagAction.ADDED, created_at=at, **SYSTEM)
            )
        for key, stage_name in cards.items():
            stage = self.pipelines[key][stage_name]
            pipeline_id = self.pipeline_ids[key]
            rows[Card].append(
                dict(account=account, pipeline=pipeline_id, stage=stage, entered_stage_at=at)
            )
            rows[StageMove].append(
                dict(
                    account=account,
                    pipeline=pipeline_id,
                    to_stage=stage,
                    created_at=at,
                    **SYSTEM,
                )
            )


def _row(instance) -> dict:
    """An unsaved instance as the field-name dict `insert_rows` takes."""
    return {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }


INSERT_ORDER = [
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
