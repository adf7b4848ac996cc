"""The account beside a thread: health, owner, open tasks and open signals."""

from dataclasses import dataclass

from accounts.models import Account
from activity.models import Task, TaskStatus
from workqueue.models import LIVE_STATUSES, Signal

SHOWN = 5


@dataclass(frozen=True)
class AccountContext:
    account: Account
    health_score: int | None
    health_band: str
    open_tasks: list[Task]
    open_task_count: int
    open_signals: list[Signal]


def account_context(account: Account) -> AccountContext:
    """Read with the thread's account (owner and computed health joined): two queries."""
    tasks = list(
        Task.objects.filter(account=account, status=TaskStatus.OPEN)
        .select_related("assignee")
        .order_by("due_at", "-id")[: SHOWN + 1]
    )
    signals = list(
        Signal.objects.filter(account=account, status__in=LIVE_STATUSES).order_by("-id")[:SHOWN]
    )
    health = getattr(account, "health", None)
    return AccountContext(
        account=account,
        health_score=health.score if health else None,
        health_band=health.get_band_display() if health else "",
        open_tasks=tasks[:SHOWN],
        open_task_count=len(tasks),
        open_signals=signals,
    )
