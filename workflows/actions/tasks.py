"""Opening a task for the team."""

from datetime import timedelta

from django.core.exceptions import ValidationError

from activity.models import TaskPriority, TaskSource
from activity.services.tasks import create_task as create
from core import clock

from .base import StepContext, require


def create_task(ctx: StepContext, params: dict) -> str:
    """Open a task (once per run and step), assigned to the owner unless `assignee` says."""
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


def validate(params: dict) -> None:
    require(params, "title")
    if params.get("priority", TaskPriority.NORMAL) not in TaskPriority.values:
        raise ValidationError(f"`priority` is one of {', '.join(TaskPriority.values)}.")
