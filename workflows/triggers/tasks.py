"""Task data: one builder for the task kinds, whether a service or a sweep records them."""

from __future__ import annotations

from typing import TypedDict

from django.db.models import QuerySet

from activity.models import Task
from core import clock

from .kind import Data, full_name

# What a task's data is built from: the task, its assignee and its account's timezone.
ROW_FIELDS = (
    "pk",
    "account_id",
    "contact_id",
    "title",
    "source",
    "priority",
    "due_at",
    "assignee_id",
    "assignee__first_name",
    "assignee__last_name",
    "account__timezone",
)


class TaskData(TypedDict):
    task_id: int
    contact_id: int | None
    task_title: str
    source: str
    priority: str
    due_at: str
    assignee_id: int | None
    assignee_name: str


def task_rows(tasks: QuerySet[Task]) -> QuerySet:
    """`tasks` as rows `task_data` reads (one query, joined)."""
    return tasks.values(*ROW_FIELDS)


def task_data(row: Data) -> TaskData:
    """A task's data, from its row (`task_rows`)."""
    return {
        "task_id": row["pk"],
        "contact_id": row["contact_id"],
        "task_title": row["title"],
        "source": row["source"],
        "priority": row["priority"],
        # As the customer reads it (their account's timezone), e.g. in an acknowledgement.
        "due_at": clock.format_local(row["due_at"], row["account__timezone"]),
        "assignee_id": row["assignee_id"],
        "assignee_name": full_name(row["assignee__first_name"], row["assignee__last_name"]),
    }


def announced_task(announcement: Data) -> TaskData:
    """The data of a task a service announced (`task_id`)."""
    return task_data(task_rows(Task.objects.filter(pk=announcement["task_id"])).get())


def deadline_key(row: Data, suffix: str) -> str:
    """One notice per task and deadline: a task given a new deadline is warned again."""
    return f"{row['pk']}:{int(row['due_at'].timestamp())}:{suffix}"
