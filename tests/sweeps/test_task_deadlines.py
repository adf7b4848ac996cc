"""Sweep g1: open tasks due within 24 hours and overdue ones, one notice per deadline."""

from datetime import timedelta

import pytest

from activity.models import TaskPriority, TaskSource
from activity.services.tasks import create_task, resolve_task, update_task
from core.causes import Cause
from tests.sweeps.conftest import NOW
from tests.sweeps.helpers import emails_to, event_keys, events, footprint, inbox
from workflows.models import RunStatus
from workflows.sweeps import task_deadlines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

SOON, OVERDUE = "task_due_soon", "task_overdue"
DUE = NOW + timedelta(hours=5)


def task(account, due_at=DUE, priority=TaskPriority.NORMAL, title="Send the export", **kw):
    created, _ = create_task(
        account=account,
        title=title,
        source=TaskSource.STAFF,
        priority=priority,
        due_at=due_at,
        cause=Cause.by_user(account.owner, "follow-up"),
        **kw,
    )
    return created


def test_an_open_task_due_within_24_hours_is_reported_once(account, csm):
    due_soon = task(account)

    assert task_deadlines() == 1

    [event] = events(SOON, account)
    assert event.event_key == f"{due_soon.pk}:{int(DUE.timestamp())}:soon"
    assert event.data["task_id"] == due_soon.pk
    assert event.data["task_title"] == "Send the export"
    assert event.data["assignee_id"] == csm.pk
    assert event.data["priority"] == TaskPriority.NORMAL
    assert events(OVERDUE) == []


def test_tasks_due_later_done_cancelled_or_without_a_date_are_not_reported(account):
    task(account, due_at=NOW + timedelta(hours=25), title="Later")
    task(account, due_at=None, title="Someday")
    done = task(account, title="Done already")
    resolve_task(task=done, cause=Cause.by_user(account.owner))
    cancelled = task(account, due_at=NOW - timedelta(hours=2), title="Not needed")
    resolve_task(task=cancelled, cause=Cause.by_user(account.owner), cancelled=True)

    assert task_deadlines() == 0
    assert events(SOON) == events(OVERDUE) == []


def test_the_due_soon_notice_is_not_repeated_while_the_task_stays_due_soon(account, frozen_time):
    task(account)
    assert task_deadlines() == 1

    assert task_deadlines() == 0
    frozen_time.shift(timedelta(hours=4, minutes=55))
    assert task_deadlines() == 0

    assert len(events(SOON, account)) == 1


def test_an_overdue_task_is_reported_once_besides_its_due_soon_notice(account, frozen_time):
    overdue = task(account)
    assert task_deadlines() == 1

    frozen_time.move_to(DUE + timedelta(minutes=5))
    assert task_deadlines() == 1
    assert task_deadlines() == 0
    frozen_time.shift(timedelta(days=3))
    assert task_deadlines() == 0

    assert event_keys(SOON, account) == [f"{overdue.pk}:{int(DUE.timestamp())}:soon"]
    assert event_keys(OVERDUE, account) == [f"{overdue.pk}:{int(DUE.timestamp())}:overdue"]


def test_a_task_done_before_its_deadline_is_never_reported_overdue(account, frozen_time):
    finished = task(account)
    assert task_deadlines() == 1
    resolve_task(task=finished, cause=Cause.by_user(account.owner))

    frozen_time.move_to(DUE + timedelta(hours=1))

    assert task_deadlines() == 0
    assert events(OVERDUE) == []


def test_a_new_due_date_warns_again(account, frozen_time):
    moved = task(account)
    assert task_deadlines() == 1
    frozen_time.move_to(DUE + timedelta(minutes=5))
    assert task_deadlines() == 1  # overdue

    new_due = DUE + timedelta(days=2)
    update_task(task=moved, due_at=new_due, cause=Cause.by_user(account.owner))
    assert task_deadlines() == 0  # not due within 24 hours yet

    frozen_time.move_to(new_due - timedelta(hours=3))
    assert task_deadlines() == 1
    frozen_time.move_to(new_due + timedelta(minutes=5))
    assert task_deadlines() == 1

    stamps = [int(DUE.timestamp()), int(new_due.timestamp())]
    assert event_keys(SOON, account) == [f"{moved.pk}:{stamp}:soon" for stamp in stamps]
    assert event_keys(OVERDUE, account) == [f"{moved.pk}:{stamp}:overdue" for stamp in stamps]


def test_a_task_overdue_for_more_than_30_days_is_left_alone_after_an_outage(account, frozen_time):
    task(account, due_at=NOW - timedelta(days=31), title="Long forgotten")

    assert task_deadlines() == 0
    assert events(OVERDUE) == []


# --- end to end: the default g1 workflows --------------------------------------------


def test_the_assignee_is_warned_when_due_soon_and_when_overdue_and_managers_are_not(
    deliver, frozen_time, account, csm, manager
):
    deliver(lambda: task(account, title="Send the export"))

    deliver(task_deadlines)
    assert inbox(csm) == ["Due soon: Send the export"]
    assert [e.subject for e in emails_to(csm.email)] == ["Due soon: Send the export"]

    frozen_time.move_to(DUE + timedelta(minutes=5))
    deliver(task_deadlines)

    assert inbox(csm) == ["Due soon: Send the export", "Overdue: Send the export"]
    [escalation] = account.workflow_runs.filter(workflow__key="g1-task-overdue-escalation")
    assert escalation.status == RunStatus.SKIPPED
    assert inbox(manager) == []

    before = footprint(account)
    deliver(task_deadlines)
    frozen_time.shift(timedelta(hours=6))
    deliver(task_deadlines)
    assert footprint(account) == before


def test_an_overdue_high_priority_task_escalates_to_the_managers(
    deliver, frozen_time, account, csm, manager
):
    deliver(lambda: task(account, priority=TaskPriority.HIGH, title="Restore the data"))
    frozen_time.move_to(DUE + timedelta(minutes=5))

    deliver(task_deadlines)

    assert inbox(csm) == ["Overdue: Restore the data"]
    assert inbox(manager) == [f"Escalation: overdue task for {account.name}"]
    assert [e.subject for e in emails_to(manager.email)] == [
        f"Escalation: overdue task for {account.name}"
    ]

    before = footprint(account)
    deliver(task_deadlines)
    assert footprint(account) == before
