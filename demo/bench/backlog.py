"""The bulk backlog the worker bench drains: queued one-step runs and queued messages.

Written with bulk_create, as a sweep's first run would leave them (a matched
trigger event and its queued run per fact, an e-mail nudge to a customer or an
in-app alert to the owner per message), not through 100,000 service calls.
Everything is marked so `clear_backlog` removes it, and what the runs did,
again; the bench calls it before and after each measurement.
"""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import AccountTag, Contact, Tag, TagEvent
from core import clock
from core.causes import Cause
from core.lanes import BULK
from notifications.models import Channel, Message, MessageStatus
from workflows.models import Run, RunStatus, Step, TriggerEvent, Workflow, WorkflowVersion
from workflows.services import publish

WORKFLOW_KEY = "bench-backlog"
TAG = "Bench backlog"
PREFIX = "bench-backlog:"
# Off: no real event starts a run of it; the runs made here execute all the same
# (a run keeps the version it was queued with).
TRIGGER = "plan_changed"
CHUNK = 2_000


@dataclass(frozen=True)
class Backlog:
    workflow_id: int
    runs: int
    messages: int


def bench_workflow() -> tuple[Workflow, WorkflowVersion]:
    """The one-step workflow (add a tag) every backlog run belongs to."""
    with transaction.atomic():
        workflow, created = Workflow.objects.get_or_create(
            key=WORKFLOW_KEY,
            defaults={"name": "Bench backlog", "trigger": TRIGGER, "is_active": False},
        )
        if created:
            Step.objects.create(
                workflow=workflow, position=0, action="add_tag", params={"tag": TAG}
            )
        version = publish(workflow=workflow)
    return workflow, version


def recipients(limit: int) -> list[tuple[int, int, str, int | None]]:
    """(account, contact, e-mail, owner) of accounts whose primary contact has an e-mail."""
    return list(
        Contact.objects.filter(is_primary=True)
        .exclude(email="")
        .order_by("account_id")
        .values_list("account_id", "pk", "email", "account__owner_id")[:limit]
    )


def build_backlog(*, runs: int, messages: int, pool: int = 5_000) -> Backlog:
    """Queue `runs` one-step runs and `messages` messages, all due now, in the bulk lane."""
    people = recipients(pool)
    if not people:
        raise RuntimeError("No account has a primary contact with an e-mail: seed accounts first.")
    workflow, version = bench_workflow()
    now = clock.now()
    cause = Cause.by_system("bench backlog").as_fields()
    for start in range(0, runs, CHUNK):
        numbers = range(start, min(runs, start + CHUNK))
        events = TriggerEvent.objects.bulk_create(
            TriggerEvent(
                kind=TRIGGER,
                account_id=people[n % len(people)][0],
                event_key=f"{PREFIX}{n}",
                created_at=now,
                processed_at=now,
                **cause,
            )
            for n in numbers
        )
        Run.objects.bulk_create(
            Run(
                workflow=workflow,
                version=version,
                event=event,
                account_id=event.account_id,
                status=RunStatus.QUEUED,
                due_at=now,
                created_at=now,
                lane=BULK,
            )
            for event in events
        )
    for start in range(0, messages, CHUNK):
        numbers = range(start, min(messages, start + CHUNK))
        Message.objects.bulk_create(
            _message(n, people[n % len(people)], now, cause) for n in numbers
        )
    return Backlog(workflow_id=workflow.pk, runs=runs, messages=messages)


def _message(n: int, person: tuple, now, cause: dict) -> Message:
    """Every other one an e-mail nudge to the customer, else an in-app alert to the owner."""
    account_id, contact_id, email, owner_id = person
    alert = n % 2 == 1 and owner_id is not None
    return Message(
        channel=Channel.IN_APP if alert else Channel.EMAIL,
        account_id=account_id,
        contact_id=None if alert else contact_id,
        user_id=owner_id if alert else None,
        recipient=f"user:{owner_id}" if alert else email,
        cause_key=f"{PREFIX}{n}",
        subject="A feature you have not tried yet",
        body_text="Hello,\n\nThere is a feature in your plan you have not used yet.\n",
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
        created_at=now,
        lane=BULK,
        **cause,
    )


def pending(workflow_id: int) -> tuple[int, int]:
    """(runs, messages) of the backlog not yet done."""
    runs = Run.objects.filter(
        workflow_id=workflow_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).count()
    messages = Message.objects.filter(
        status__in=[MessageStatus.QUEUED, MessageStatus.SENDING], cause_key__startswith=PREFIX
    ).count()
    return runs, messages


def done(workflow_id: int) -> tuple[int, int]:
    """(runs succeeded, messages sent) of the backlog."""
    runs = Run.objects.filter(workflow_id=workflow_id, status=RunStatus.SUCCEEDED).count()
    messages = Message.objects.filter(
        status=MessageStatus.SENT, cause_key__startswith=PREFIX
    ).count()
    return runs, messages


def clear_backlog() -> int:
    """Delete the backlog and what its runs wrote (tags, their events); returns rows deleted."""
    deleted = Message.objects.filter(cause_key__startswith=PREFIX).delete()[0]
    workflow = Workflow.objects.filter(key=WORKFLOW_KEY).first()
    if workflow is not None:
        runs = Run.objects.filter(workflow=workflow).values("pk")
        deleted += TriggerEvent.objects.filter(cause_run_id__in=runs).delete()[0]
        deleted += TagEvent.objects.filter(tag__name=TAG).delete()[0]
        deleted += AccountTag.objects.filter(tag__name=TAG).delete()[0]
        deleted += Run.objects.filter(workflow=workflow).delete()[0]
    deleted += TriggerEvent.objects.filter(kind=TRIGGER, event_key__startswith=PREFIX).delete()[0]
    deleted += Tag.objects.filter(name=TAG).delete()[0]
    return deleted
