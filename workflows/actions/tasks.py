"""Opening a task for the team."""

from datetime import timedelta

from activity.models import Task, TaskPriority, TaskSource
from activity.services.tasks import create_task as create
from core import clock

from .base import StepContext
from .params import LONG_TEXT, Params


def create_task(ctx: StepContext, params: dict) -> str:
    """Open a task (once per run and step), assigned to the account's owner."""
    days = params.get("due_in_days")
    task, created = create(
        account=ctx.account,
        title=ctx.text(params["title"]),
        details=ctx.text(params.get("details", "")),
        priority=params.get("priority", TaskPriority.NORMAL),
        due_at=clock.now() + timedelta(days=days) if days else None,
        source=TaskSource.WORKFLOW,
        cause=ctx.cause,
        request_key=ctx.key,
    )
    return f"Task {task.title!r} {'opened' if created else 'already open'}."


TITLE_LENGTH = Task._meta.get_field("title").max_length
PRIORITIES = TaskPriority.values


def check(params: dict) -> None:
    """`title`; optionally `details`, `priority` and `due_in_days` (none: no due date)."""
    read = Params(params, allowed=["title", "details", "priority", "due_in_days"])
    read.text("title", max_length=TITLE_LENGTH, required=True, template=True)
    read.text("details", max_length=LONG_TEXT, template=True)
    read.choice("priority", PRIORITIES)
    read.whole_number("due_in_days", minimum=0, maximum=365)
    read.done()


# A task names nothing that must exist.
validate = check
