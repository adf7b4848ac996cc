"""Waking the workers for the backlog, and counting the django-q2 tasks they ran.

With the draining engine (`workflows.tasks.drain_runs`,
`notifications.tasks.drain_outbox`) a backlog needs one wake-up of each.
Before it, every run and every message was its own task, so the "before"
measurement enqueues those, pushed to the broker in bulk (signed as
`async_task` signs them), as a sweep's commit would have left them.
"""

from datetime import datetime
from itertools import zip_longest

from django.conf import settings
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import OrmQ, Task
from django_q.tasks import async_task

from notifications.models import Message, MessageStatus
from workflows.models import Run, RunStatus

from .backlog import PREFIX

DRAIN_RUNS = "workflows.tasks.drain_runs"
DRAIN_OUTBOX = "notifications.tasks.drain_outbox"
EXECUTE_RUN = "workflows.tasks.execute_run"
DELIVER_MESSAGE = "notifications.tasks.deliver_message"
PUSH_CHUNK = 1_000


def draining_engine() -> bool:
    """Whether the engine has the drain wake-ups (else: one task per run and message)."""
    from notifications import tasks as outbox_tasks
    from workflows import tasks as engine_tasks

    return hasattr(engine_tasks, "drain_runs") and hasattr(outbox_tasks, "drain_outbox")


def broker_name() -> str:
    return "Redis" if settings.Q_CLUSTER.get("redis") else "ORM"


def clear_broker() -> None:
    """Forget every queued task and every task result (the bench's database and Redis DB)."""
    get_broker().purge_queue()
    Task.objects.all().delete()


class _Collector:
    """Stands in for the broker in `async_task`: keeps the signed packages."""

    def __init__(self, list_key: str) -> None:
        self.list_key = list_key
        self.packages: list[str] = []

    def enqueue(self, package: str) -> int:
        self.packages.append(package)
        return len(self.packages)


def signed_tasks(calls: list[tuple[str, tuple]]) -> list[str]:
    """The signed packages `async_task` would push for each (function, arguments)."""
    collector = _Collector(get_broker().list_key)
    for func, args in calls:
        async_task(func, *args, broker=collector, sync=False)
    return collector.packages


def push(packages: list[str]) -> int:
    """Put signed packages on the broker, many at a time; returns how many."""
    broker = get_broker()
    for start in range(0, len(packages), PUSH_CHUNK):
        chunk = packages[start : start + PUSH_CHUNK]
        if broker_name() == "Redis":
            broker.connection.rpush(broker.list_key, *chunk)
        else:
            OrmQ.objects.bulk_create(
                OrmQ(key=broker.list_key, payload=package, lock=timezone.now()) for package in chunk
            )
    return len(packages)


def wake_for_backlog(workflow_id: int) -> int:
    """Enqueue what wakes the workers for the whole backlog; returns how many tasks."""
    if draining_engine():
        return push(signed_tasks([(DRAIN_RUNS, ()), (DRAIN_OUTBOX, ())]))
    runs = Run.objects.filter(workflow_id=workflow_id, status=RunStatus.QUEUED).order_by("pk")
    messages = Message.objects.filter(
        cause_key__startswith=PREFIX, status=MessageStatus.QUEUED
    ).order_by("pk")
    # Interleaved, as sweeps committing runs and their messages would leave the queue.
    calls = [
        call
        for pair in zip_longest(
            ((EXECUTE_RUN, (pk,)) for pk in runs.values_list("pk", flat=True)),
            ((DELIVER_MESSAGE, (pk,)) for pk in messages.values_list("pk", flat=True)),
        )
        for call in pair
        if call is not None
    ]
    return push(signed_tasks(calls))


def queued_tasks() -> int:
    """Tasks waiting on the broker (fetched ones included on the ORM broker)."""
    return get_broker().queue_size() or 0


def tasks_between(started: datetime, ended: datetime) -> dict[str, int]:
    """django-q2 tasks that finished in the window, by app ("workflows", "notifications").

    django-q2 keeps only `save_limit` successes; `saturated` is 1 when the
    window may hold more than were kept (the count is then a lower bound).
    """
    finished = Task.objects.filter(stopped__gte=started, stopped__lte=ended)
    counts = {"workflows": 0, "notifications": 0, "other": 0}
    for func in finished.values_list("func", flat=True):
        app = func.split(".", 1)[0]
        counts[app if app in counts else "other"] += 1
    limit = settings.Q_CLUSTER.get("save_limit", 250)
    counts["saturated"] = int(0 < limit <= Task.objects.filter(success=True).count())
    return counts
