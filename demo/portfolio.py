"""The demo portfolio: accounts invented a chunk at a time, their history inserted in bulk."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction

from accounts.models import Account, Contact, Happiness, HealthStatus, Plan, Tag
from accounts.roles import ADMIN, AFFILIATE_MANAGER, CSM, MANAGER
from activity.models import AppointmentStatus, Feature
from core import clock
from core.bulk import insert_rows
from pipelines.models import Pipeline
from scoring.models import MilestoneLevel
from scoring.selectors import scoring_rules
from workflows.backlogs import sweep_as_handled
from workflows.sweeps import sweep_rules

from .names import NAME_FIRST, NAME_SECOND, NAME_SUFFIX, PEOPLE, SURNAMES
from .story import INSERT_ORDER, MILESTONE_TAG, AccountStory
from .usage_history import add_earlier_usage

CHUNK = 2000
BILLING_PERIOD = timedelta(days=30)
# Every demo churn falls in the churn report's 12 months (with room to spare at month ends).
CHURN_WINDOW = timedelta(days=300)
LOGIN_WINDOW = timedelta(days=30)  # how far back the demo's logins go

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
TIMEZONES = ["", "", "Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"]

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
    swept: bool = True,
) -> Counter:
    """Write `accounts` demo accounts with their history; returns row counts by kind.

    `swept`: then record what every sweep finds due for them as already handled, as a
    live system that lived this history would have (a first run would otherwise message
    the whole past). The bench passes False to measure a first sweep.
    """
    if connection.vendor == "sqlite":
        # A 256 MB page cache keeps the growing indexes in memory while loading.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    builder = PortfolioBuilder(random.Random(seed), staff)
    counts: Counter = Counter()
    start = Account.objects.filter(external_id__startswith="demo-").count()
    for offset in range(0, accounts, CHUNK):
        size = min(CHUNK, accounts - offset)
        with transaction.atomic():
            counts.update(builder.write_chunk(start + offset, size))
        if progress:
            progress(offset + size, accounts)
    if swept and accounts:
        found = sweep_as_handled(Account.objects.filter(external_id__startswith="demo-"))
        counts["facts recorded as handled"] = sum(found.values())
    return counts


class PortfolioBuilder:
    """Makes one chunk of accounts at a time, then inserts each table in bulk."""

    def __init__(self, rng: random.Random, staff: list) -> None:
        self.rng = rng
        self.staff = staff
        self.now = clock.now()
        self.rules = scoring_rules()
        self.inactive_after = timedelta(days=sweep_rules().inactivity_days)
        self.features = list(Feature.objects.filter(is_active=True))
        self.thresholds = [
            (level.threshold, level.milestone)
            for level in MilestoneLevel.objects.order_by("threshold")
        ]
        self.stages = {
            p.key: {s.name: s for s in p.stages.all()}
            for p in Pipeline.objects.prefetch_related("stages")
        }
        self.pipeline_ids = {p.key: p.pk for p in Pipeline.objects.all()}
        names = ["Active SaaS", "Inactive", "Payment Failed"]
        names += [s.label for s in HealthStatus] + [h.label for h in Happiness]
        names += list(MILESTONE_TAG.values())
        names += [f"Active on {feature.name}" for feature in self.features]
        self.tags = {}
        for name in names:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            self.tags[name] = tag

    def pick(self, weights: dict):
        """One key of `weights`, drawn in proportion to its weight."""
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def between(self, start: datetime, end: datetime) -> datetime:
        """A random instant in [start, end] (start if the span is empty)."""
        span = max(0.0, (end - start).total_seconds())
        return start + timedelta(seconds=self.rng.uniform(0, span))

    def write_chunk(self, start: int, size: int) -> Counter:
        """Invent accounts `start`+1 … `start`+`size`, insert them and their history."""
        rng, now = self.rng, self.now
        accounts, stories = [], []
        rows: dict[type, list] = {model: [] for model in INSERT_ORDER}
        for i in range(start, start + size):
            plan = self.pick(PLAN_WEIGHTS)
            low, high = PLAN_MRR[plan]
            # More recent sign-ups than old ones, as in a growing business.
            age = timedelta(days=5 + 715 * rng.random() ** 2)
            signed_up = now - age
            account = Account(
                name=f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} "
                f"{rng.choice(NAME_SUFFIX)} {i + 1}",
                external_id=f"demo-{i + 1:06d}",
                plan=plan,
                mrr=Decimal(rng.randint(low, high)),
                owner=rng.choice(self.staff) if self.staff else None,
                signed_up_at=signed_up,
                timezone=rng.choice(TIMEZONES),
            )
            churned_at = None
            if plan != Plan.FREE and age > timedelta(days=40) and rng.random() < 0.06:
                # Within the last CHURN_WINDOW, so the churn report (12 months) counts every
                # churned account the dashboard does.
                churned_at = self.between(
                    max(signed_up + timedelta(days=35), now - CHURN_WINDOW),
                    now - timedelta(hours=1),
                )
            story = AccountStory(self, account, rows)
            self._history(story, churned_at)
            accounts.append(account)
            stories.append(story)
        # The history decided each account's fields; now the accounts get their ids,
        # which the history rows then read.
        insert_rows(Account, [_row(account) for account in accounts])
        ids = dict(
            Account.objects.filter(
                external_id__in=[account.external_id for account in accounts]
            ).values_list("external_id", "pk")
        )
        for account, story in zip(accounts, stories, strict=True):
            account.pk = ids[account.external_id]
            story.finish()
        for model in INSERT_ORDER:
            insert_rows(model, rows[model])
        counts = Counter({"accounts": len(accounts)})
        counts.update({model._meta.verbose_name_plural: len(rows[model]) for model in INSERT_ORDER})
        return counts

    def _history(self, story: AccountStory, churned_at: datetime | None) -> None:
        """Invent the account's facts, then replay them in time order through the playbooks."""
        rng, now, account = self.rng, self.now, story.account
        signed_up = account.signed_up_at
        end = churned_at or now  # nothing the customer does comes after the cancellation
        self._contacts(story)
        facts: list[tuple[datetime, int, Callable[[datetime], None]]] = []

        def fact(at: datetime, apply: Callable[[datetime], None]) -> None:
            facts.append((at, len(facts), apply))

        fact(signed_up, story.signed_up)
        if account.plan != Plan.FREE:
            self._payments(story, fact, end, last_is_now=churned_at is None)
        self._logins(story, fact, end, churned=churned_at is not None)
        # Older usage for the health backtest, before any account's recent logins begin
        # (those of an account that drifted away start up to 90 days back).
        recent = end - LOGIN_WINDOW - timedelta(days=60)
        add_earlier_usage(story, rng, self.features, until=recent, churned_at=churned_at)
        for feature in rng.sample(self.features, k=min(len(self.features), rng.randint(0, 4))):
            at = self.between(max(signed_up, end - timedelta(days=90)), end)
            minutes = Decimal(rng.randint(1, 45))
            fact(at, partial(story.feature_used, feature=feature, minutes=minutes))
        if rng.random() < 0.2:
            past = churned_at is not None or rng.random() < 0.6
            if past:
                starts = self.between(max(signed_up, end - timedelta(days=60)), end)
                status = rng.choice([AppointmentStatus.ATTENDED] * 4 + [AppointmentStatus.NO_SHOW])
            else:
                starts = now + timedelta(hours=rng.randint(2, 300))
                status = AppointmentStatus.BOOKED
            booked = self.between(
                max(signed_up, min(starts, now) - timedelta(days=7)), min(starts, now)
            )
            fact(
                min(starts, now),
                partial(story.appointment, starts=starts, status=status, booked=booked),
            )
        if rng.random() < 0.3:
            nps = rng.choices(range(11), weights=[1, 1, 1, 1, 2, 3, 4, 6, 8, 7, 5])[0]
            at = self.between(max(signed_up, end - timedelta(days=80)), end)
            fact(at, partial(story.feedback, nps=nps))
        status = self.pick(HEALTH_WEIGHTS)
        if status:
            at = self.between(signed_up + timedelta(days=min(3, (end - signed_up).days)), end)
            fact(at, partial(story.health_assessed, status=status))
        if rng.random() < 0.15:
            created = self.between(max(signed_up, end - timedelta(days=20)), end)
            done = churned_at is not None or rng.random() < 0.4
            fact(created, partial(story.task, done=done, resolved_by=end))
        if churned_at:
            fact(churned_at, story.cancelled)
        for at, _, apply in sorted(facts, key=lambda item: item[:2]):
            apply(at)

    def _contacts(self, story: AccountStory) -> None:
        rng, account = self.rng, story.account
        number = account.external_id[5:]
        story.rows[Contact].append(
            dict(
                account=account,
                name=f"{rng.choice(PEOPLE)} {rng.choice(SURNAMES)}",
                email=f"owner{number}@customer.example",
                phone=f"+1415{rng.randint(1000000, 9999999)}",
                is_primary=True,
            )
        )
        if rng.random() < 0.5:
            story.rows[Contact].append(
                dict(
                    account=account,
                    name=f"{rng.choice(PEOPLE)} {rng.choice(SURNAMES)}",
                    email=f"team{number}@customer.example",
                )
            )

    def _payments(self, story: AccountStory, fact, end: datetime, *, last_is_now: bool) -> None:
        """Monthly invoices from the sign-up to `end`; a few fail, most failures are recovered."""
        rng, account = self.rng, story.account
        invoice_times = []
        at = account.signed_up_at + timedelta(hours=rng.uniform(0, 2))
        while at <= end:
            invoice_times.append(at)
            at += BILLING_PERIOD
        for number, at in enumerate(invoice_times, start=1):
            latest = number == len(invoice_times)
            invoice = f"in_{account.external_id}_{number}"
            if latest and rng.random() < (0.08 if last_is_now else 0.3):
                # Still unpaid: one or two failed attempts, the second three days later.
                retry = at + timedelta(days=3)
                attempts = [at, retry] if rng.random() < 0.4 and retry <= end else [at]
                for attempt, when in enumerate(attempts, start=1):
                    fact(when, partial(story.payment, invoice=invoice, attempt=attempt, ok=False))
            elif not latest and rng.random() < 0.04:
                # Failed, then paid on the retry a few days later.
                fact(at, partial(story.payment, invoice=invoice, attempt=1, ok=False))
                retry = at + timedelta(days=rng.uniform(1, 5))
                fact(retry, partial(story.payment, invoice=invoice, attempt=2, ok=True))
            else:
                fact(at, partial(story.payment, invoice=invoice, attempt=1, ok=True))

    def _logins(self, story: AccountStory, fact, end: datetime, *, churned: bool) -> None:
        """The recent logins: every few days, now and then a break of a week or more.

        Some accounts drift away (no login for 8–60 days); a churned account
        stops logging in before its cancellation.
        """
        rng, account = self.rng, story.account
        stop = end
        if churned:
            stop = end - timedelta(days=rng.uniform(0, 20))
        elif rng.random() < 0.12:
            stop = end - timedelta(days=rng.uniform(8, 60))
        stop = max(stop, account.signed_up_at + timedelta(hours=1))
        at = max(account.signed_up_at, stop - LOGIN_WINDOW) + timedelta(hours=rng.uniform(0, 20))
        logins = []
        while at <= stop or not logins:
            logins.append(min(at, stop))
            pause = rng.uniform(8, 14) if rng.random() < 0.03 else rng.uniform(0.5, 6)
            at += timedelta(days=pause, seconds=1)
        for previous, login in itertools.pairwise(logins):
            if login - previous >= self.inactive_after:
                fact(previous + self.inactive_after, story.became_inactive)
            fact(login, story.logged_in)
        fact(logins[0], story.logged_in)
        if end - logins[-1] >= self.inactive_after:
            fact(logins[-1] + self.inactive_after, story.became_inactive)


def _row(instance) -> dict:
    """An unsaved instance as the field-name dict `insert_rows` takes."""
    return {
        field.name: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
