"""Creating and resolving tasks (playbook g1's inputs)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Contact
from accounts.services import lock_account
from core import clock
from core.causes import Cause
from core.events import send_on_commit

from .. import signals
from ..models import StatusChange, Task, TaskPriority, TaskSource, TaskStatus


@transaction.atomic
def create_task(
    *,
    account: Account,
    title: str,
    source: str,
    cause: Cause,
    details: str = "",
    priority: str = TaskPriority.NORMAL,
    due_at: datetime | None = None,
    assignee=None,
    contact: Contact | None = None,
    request_key: str = "",
) -> tuple[Task, bool]:
    """Open a task on an account. Returns (task, created).

    `request_key` names what asked for it (a form submission, a workflow
    step); the same request creates one task however often it arrives.
    Unassigned tasks go to the account's owner.
    """
    title = (title or "").strip()
    if not title:
        raise ValidationError("A task needs a title.", code="required")
    if len(title) > Task._meta.get_field("title").max_length:
        raise ValidationError("The task title is too long.", code="too_long")
    if priority not in TaskPriority.values:
        raise ValidationError(f"Unknown priority {priority!r}.", code="invalid_priority")
    if source not in TaskSource.values:
        raise ValidationError(f"Unknown task source {source!r}.", code="invalid_source")
    if due_at is not None:
        clock.require_aware(due_at, "The due time")
    locked = lock_account(account)
    if contact is not None and contact.account_id != locked.pk:
        raise ValidationError("The contact belongs to another account.", code="contact_mismatch")
    if request_key:
        existing = Task.objects.filter(request_key=request_key).first()
        if existing:
            if existing.account_id != locked.pk:
                raise ValidationError(
                    "This task request belongs to another account.", code="task_conflict"
                )
            return existing, False
    task = Task.objects.create(
        account=locked,
        title=title,
        details=(details or "").strip(),
        priority=priority,
        due_at=due_at,
        assignee=assignee or locked.owner,
        contact=contact,
        source=source,
        request_key=request_key,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    send_on_commit(
        signals.task_created, sender=Task, account_id=locked.pk, task_id=task.pk, cause=cause
    )
    return task, True


@transaction.atomic
def resolve_task(*, task: Task, cause: Cause, cancelled: bool = False) -> bool:
    """Close a task as done (or cancelled). Returns False if it is already closed."""
    lock_account(task.account_id)
    status = TaskStatus.CANCELLED if cancelled else TaskStatus.DONE
    previous = Task.objects.values_list("status", flat=True).get(pk=task.pk)
    if previous != TaskStatus.OPEN:
        return False
    now = clock.now()
    Task.objects.filter(pk=task.pk).update(status=status, resolved_at=now)
    StatusChange.objects.create(
        task=task, from_status=previous, to_status=status, created_at=now, **cause.as_fields()
    )
    if not cancelled:
        send_on_commit(
            signals.task_resolved,
            sender=Task,
            account_id=task.account_id,
            task_id=task.pk,
            cause=cause,
        )
    return True
