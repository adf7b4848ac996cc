"""My day: the signed-in member's book (or, for managers, the team's) at a glance.

A CSM opens the day on the accounts they own and the tasks assigned to them; the
portfolio-wide view is a manager's toggle, not the default, so the numbers a CSM
sees are the ones they can move. Everything shown links to the list behind it.
"""

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts import colours
from accounts.filters import NOT_SET
from accounts.models import Account, AccountTag, Happiness, HealthStatus, Lifecycle, Milestone
from activity.models import Task, TaskStatus
from core.money import format_money

TEAM_PERMISSION = "accounts.assign_owner"  # managers and admins: they see the whole team
AT_RISK_TAGS = {"Payment Failed": "Payment failed", "Inactive": "Inactive (no recent log-in)"}
TASKS_SHOWN = 10
AT_RISK_SHOWN = 15


@dataclass(frozen=True)
class Scope:
    """Whose day this is: the member's own book, or the whole team's."""

    user: AbstractBaseUser
    team: bool

    @property
    def accounts(self) -> QuerySet[Account]:
        accounts = Account.objects.all()
        return accounts if self.team else accounts.filter(owner=self.user)

    @property
    def tasks(self) -> QuerySet[Task]:
        tasks = Task.objects.filter(status=TaskStatus.OPEN)
        return tasks if self.team else tasks.filter(assignee=self.user)

    def account_list(self, **filters: str) -> str:
        """The account list filtered to this scope and `filters`."""
        if not self.team:
            filters = {"owner": str(self.user.pk), **filters}
        query = urlencode(filters)
        return reverse("accounts:list") + (f"?{query}" if query else "")

    def task_list(self) -> str:
        return reverse("tasks:list") + ("?tab=team" if self.team else "?tab=mine")


def scope_for(user: AbstractBaseUser, requested: str | None) -> Scope:
    """The member's book unless a manager asked for the team ("?scope=team")."""
    return Scope(user=user, team=requested == "team" and user.has_perm(TEAM_PERMISSION))


def money(amount: Decimal, currency: str) -> str:
    """Whole units with the currency ("$4,700", "CHF 1,250"), never a bare number."""
    return format_money(amount, currency, whole=True)


def mrr_lines(summary: dict) -> list[str]:
    """The book's active MRR, one line per currency (largest first); "$0" when empty."""
    by_currency = sorted(summary["mrr_by_currency"].items(), key=lambda item: -item[1])
    return [money(amount, currency) for currency, amount in by_currency] or [money(0, "USD")]


def _day_bounds(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.max), local.tzinfo)


def task_sections(scope: Scope, now: datetime) -> dict:
    """Overdue and due-today tasks, each with its full count and its first rows.

    The counts come from one aggregate, so a wall of overdue tasks shows as a
    number with the oldest first, not as a page of rows.
    """
    end_of_today = _day_bounds(now)
    tasks = scope.tasks.select_related("account", "assignee")
    counts = scope.tasks.aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        today=Count("pk", filter=Q(due_at__gte=now, due_at__lte=end_of_today)),
    )
    return {
        "overdue": list(tasks.filter(due_at__lt=now).order_by("due_at", "pk")[:TASKS_SHOWN]),
        "overdue_count": counts["overdue"],
        "today": list(
            tasks.filter(due_at__gte=now, due_at__lte=end_of_today).order_by("due_at", "pk")[
                :TASKS_SHOWN
            ]
        ),
        "today_count": counts["today"],
    }


def at_risk(scope: Scope) -> list[tuple[Account, list[str]]]:
    """The scope's active accounts at risk, largest MRR first, each with why."""
    accounts = (
        scope.accounts.select_related("owner")
        .prefetch_related("tags")
        .filter(lifecycle=Lifecycle.ACTIVE)
        .filter(
            Q(health_status=HealthStatus.STRUGGLING)
            | Q(happiness=Happiness.NOT_HAPPY)
            # Read off the tag links: joining the accounts again hashed the whole table.
            | Q(pk__in=AccountTag.objects.filter(tag__name__in=AT_RISK_TAGS).values("account"))
        )
        .order_by("-mrr", "name")[:AT_RISK_SHOWN]
    )
    return [(account, risk_reasons(account)) for account in accounts]


def risk_reasons(account: Account) -> list[str]:
    """Why an account counts as at risk, in words (uses its prefetched tags)."""
    reasons = []
    if account.health_status == HealthStatus.STRUGGLING:
        reasons.append("Health: Struggling")
    if account.happiness == Happiness.NOT_HAPPY:
        reasons.append("Customer is Not Happy (NPS)")
    reasons += [AT_RISK_TAGS[tag.name] for tag in account.tags.all() if tag.name in AT_RISK_TAGS]
    return reasons


def kpi_cards(scope: Scope, summary: dict) -> list[dict]:
    """The headline numbers of the scope, each linking to the accounts behind it."""
    active = Lifecycle.ACTIVE
    return [
        {
            "key": "active",
            "label": "Active accounts",
            "value": f"{summary['active']:,}",
            "url": scope.account_list(lifecycle=active),
        },
        {
            "key": "mrr",
            "label": "MRR (active)",
            "value": " · ".join(mrr_lines(summary)),
            "url": scope.account_list(lifecycle=active, sort="-mrr"),
        },
        {
            "key": "struggling",
            "label": "Struggling",
            "value": f"{summary['health'][HealthStatus.STRUGGLING]:,}",
            "url": scope.account_list(lifecycle=active, health_status=HealthStatus.STRUGGLING),
        },
        {
            "key": "churned",
            "label": "Churned",
            "value": f"{summary['churned']:,}",
            "url": scope.account_list(lifecycle=Lifecycle.CHURNED),
        },
    ]


def _chart(
    scope: Scope, kind: str, field: str, choices: list[tuple[str, str]], counts: dict, empty: str
) -> dict:
    """One chart's labels, values, colours and the filtered list behind each segment."""
    keys = [value for value, _ in choices] + [""]
    labels = [label for _, label in choices] + [empty]
    return {
        "labels": labels,
        "values": [float(counts.get(key, 0)) for key in keys],
        "colours": [colours.colour(kind, key) for key in keys],
        # Every segment opens its list, "not set" included (the filters' NOT_SET choice).
        "links": [
            scope.account_list(lifecycle=Lifecycle.ACTIVE, **{field: key or NOT_SET})
            for key in keys
        ],
    }


def charts(scope: Scope, summary: dict) -> dict:
    """Health (count and MRR), milestone and happiness mix of the scope's active accounts."""
    health = HealthStatus.choices
    # Dollars and euros do not add up: the chart shows the book's largest currency.
    by_currency = summary["mrr_by_currency"]
    currency = max(by_currency, key=by_currency.get) if by_currency else "USD"
    return {
        "health": _chart(
            scope, "health", "health_status", health, summary["health"], "Not assessed"
        ),
        "mrr_by_health": {
            **_chart(
                scope,
                "health",
                "health_status",
                health,
                summary["mrr_by_health_in"].get(currency, {}),
                "Not assessed",
            ),
            "currency": currency,
        },
        "milestones": _chart(
            scope, "milestone", "milestone", Milestone.choices, summary["milestones"], "None"
        ),
        "happiness": _chart(
            scope, "happiness", "happiness", Happiness.choices, summary["happiness"], "Unknown"
        ),
    }
