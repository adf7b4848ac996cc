"""Creating and resolving tasks (playbook g1's inputs)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, Contact
from accounts.services import lock_account, require_same_account
from core import clock
from core.causes import Cause
from core.handover import record_and_announce
from core.inputs import text_for_field
from core.records import create_once, json_value

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
    title = text_for_field(title, Task._meta.get_field("title"), "The task title")
    if not title:
        raise ValidationError("A task needs a title.", code="required")
    request_key = text_for_field(
        request_key, Task._meta.get_field("request_key"), "The request key"
    )
    if priority not in TaskPriority.values:
        raise ValidationError(f"Unknown priority {priority!r}.", code="invalid_priority")
    if source not in TaskSource.values:
        raise ValidationError(f"Unknown task source {source!r}.", code="invalid_source")
    if due_at is not None:
        clock.require_aware(due_at, "The due time")
    locked = lock_account(account)
    require_same_account(contact, locked)
    fields = {
        "account": locked,
        "title": title,
        "details": (details or "").strip(),
        "priority": priority,
        "due_at": due_at,
        "assignee": assignee or locked.owner,
        "contact": contact,
        "source": source,
        "created_at": clock.now(),
        **cause.as_fields(),
    }
    if request_key:
        task, created = create_once(
            Task,
            identity={"request_key": request_key},
            account_id=locked.pk,
            what="This task request",
            conflict_code="task_conflict",
            fields=fields,
        )
        if not created:
            return task, False
    else:
        task = Task.objects.create(**fields)
    record_and_announce(
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
        record_and_announce(
            signals.task_resolved,
            sender=Task,
            account_id=task.account_id,
            task_id=task.pk,
            cause=cause,
        )
    return True


TASK_EDITABLE_FIELDS = ("title", "details", "priority", "due_at", "assignee")


@transaction.atomic
def update_task(*, task: Task, cause: Cause, **changes) -> list[str]:
    """Change what a task asks, when it is due, or who does it. Returns the changed fields.

    The history row keeps old and new values; closing a task is `resolve_task`.
    """
    unknown = set(changes) - set(TASK_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            f"{', '.join(sorted(unknown))} cannot be changed here.", code="not_editable"
        )
    if "title" in changes:
        changes["title"] = text_for_field(
            changes["title"], Task._meta.get_field("title"), "The task title"
        )
        if not changes["title"]:
            raise ValidationError("A task needs a title.", code="required")
    if changes.get("priority", TaskPriority.NORMAL) not in TaskPriority.values:
        raise ValidationError(f"Unknown priority {changes['priority']!r}.", code="invalid_priority")
    if changes.get("due_at") is not None:
        clock.require_aware(changes["due_at"], "The due time")
    lock_account(task.account_id)
    current = Task.objects.get(pk=task.pk)
    changed = sorted(f for f, value in changes.items() if getattr(current, f) != value)
    if not changed:
        return []
    Task.objects.filter(pk=task.pk).update(**{f: changes[f] for f in changed})
    StatusChange.objects.create(
        task=current,
        from_status=current.status,
        to_status=current.status,
        data={f: [json_value(getattr(current, f)), json_value(changes[f])] for f in changed},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    return changed
