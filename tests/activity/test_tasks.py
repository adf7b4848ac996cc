"""activity.services.tasks: opening tasks for an account and resolving them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Account
from activity import signals
from activity.models import StatusChange, Task, TaskPriority, TaskSource, TaskStatus
from activity.services.tasks import create_task, resolve_task
from core.causes import Cause, CauseKind
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 10, 6, 11, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def by_form() -> Cause:
    return Cause.by_customer("task request form")


def request(account, cause, **fields):
    """A customer's task request; `fields` override the defaults."""
    defaults = {"title": "Export our data", "source": TaskSource.CUSTOMER}
    task, _ = create_task(account=account, cause=cause, **{**defaults, **fields})
    return task


def test_a_customer_request_opens_a_task_for_the_account_owner(account, csm, by_form):
    contact = ContactFactory(account=account)

    task, created = create_task(
        account=account,
        title="  Export our data ",
        details=" CSV please ",
        priority=TaskPriority.HIGH,
        due_at=NOW + timedelta(days=2),
        contact=contact,
        source=TaskSource.CUSTOMER,
        cause=by_form,
    )

    assert created is True
    task.refresh_from_db()
    assert (task.title, task.details, task.priority, task.due_at) == (
        "Export our data",
        "CSV please",
        TaskPriority.HIGH,
        NOW + timedelta(days=2),
    )
    assert (task.assignee, task.contact, task.status) == (csm, contact, TaskStatus.OPEN)
    assert (task.cause_kind, task.cause_reason, task.created_at) == (
        CauseKind.CUSTOMER,
        "task request form",
        NOW,
    )


def test_a_task_given_an_assignee_goes_to_them(account, manager, by_manager):
    task = request(account, by_manager, source=TaskSource.STAFF, assignee=manager)

    assert task.assignee == manager


def test_the_same_request_creates_one_task(account, by_form):
    first = request(account, by_form, request_key="form:abc")

    again, created = create_task(
        account=account,
        title="Export our data",
        source=TaskSource.CUSTOMER,
        request_key="form:abc",
        cause=by_form,
    )

    assert (again.pk, created) == (first.pk, False)
    assert Task.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"title": "   "}, "required", "A task needs a title."),
        ({"title": "x" * 201}, "too_long", "The task title is longer than 200 characters."),
        ({"priority": "urgent"}, "invalid_priority", "Unknown priority 'urgent'."),
        ({"source": "email"}, "invalid_source", "Unknown task source 'email'."),
        ({"due_at": datetime(2025, 10, 8, 9)}, "naive_datetime", "The due time must include"),
    ],
)
def test_a_bad_task_is_refused_and_nothing_is_written(account, by_form, fields, code, message):
    with pytest.raises(ValidationError) as refusal:
        request(account, by_form, **fields)

    assert refusal.value.code == code
    assert refusal.value.messages[0].startswith(message)
    assert Task.objects.count() == 0


def test_a_contact_of_another_account_is_refused(account, by_form):
    stranger = ContactFactory(account=AccountFactory())

    with pytest.raises(ValidationError) as refusal:
        request(account, by_form, contact=stranger)

    assert refusal.value.code == "contact_mismatch"
    assert Task.objects.count() == 0


def test_a_request_key_already_used_by_another_account_is_refused(account, by_form):
    # Handing back another account's task would leak it to this customer.
    other = AccountFactory()
    request(other, by_form, request_key="form:xyz")

    with pytest.raises(ValidationError) as refusal:
        request(account, by_form, request_key="form:xyz")

    assert "another account" in refusal.value.messages[0]
    assert not Task.objects.filter(account=account).exists()


def test_a_task_for_a_deleted_account_is_refused(account, by_form):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        request(account, by_form)
    assert Task.objects.count() == 0


def test_a_new_task_is_announced_once_after_commit_and_not_when_rolled_back(
    account, by_form, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.task_created)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            request(account, by_form, request_key="form:rolled-back")
        task = request(account, by_form, request_key="form:1")
        request(account, by_form, request_key="form:1")
        assert sent == []

    assert sent == [
        {"sender": Task, "account_id": account.pk, "task_id": task.pk, "cause": by_form}
    ]
    assert not Task.objects.filter(request_key="form:rolled-back").exists()


# --- resolve_task ------------------------------------------------------------------------


def test_resolving_a_task_closes_it_and_records_who_did(account, by_form):
    task = request(account, by_form)
    agent = UserFactory(username="dana")

    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        assert resolve_task(task=task, cause=Cause.by_user(agent, "sent the export")) is True

    task.refresh_from_db()
    assert (task.status, task.resolved_at) == (TaskStatus.DONE, NOW + timedelta(hours=3))
    change = StatusChange.objects.get(task=task)
    assert (change.from_status, change.to_status) == (TaskStatus.OPEN, TaskStatus.DONE)
    assert (change.cause_user, change.cause_reason) == (agent, "sent the export")


@pytest.mark.parametrize("cancelled_first", [False, True])
def test_a_closed_task_is_not_closed_again(account, by_form, by_manager, cancelled_first):
    task = request(account, by_form)
    resolve_task(task=task, cause=by_manager, cancelled=cancelled_first)

    assert resolve_task(task=task, cause=by_manager) is False
    assert resolve_task(task=task, cause=by_manager, cancelled=True) is False

    task.refresh_from_db()
    assert task.status == (TaskStatus.CANCELLED if cancelled_first else TaskStatus.DONE)
    assert StatusChange.objects.filter(task=task).count() == 1


def test_resolving_is_announced_once_but_cancelling_and_rollbacks_are_not(
    account, by_form, by_manager, received, rolled_back, django_capture_on_commit_callbacks
):
    done, dropped = request(account, by_form), request(account, by_form, title="Old ask")
    sent = received(signals.task_resolved)

    with django_capture_on_commit_callbacks(execute=True):
        with rolled_back():
            resolve_task(task=done, cause=by_manager)
        resolve_task(task=done, cause=by_manager)
        resolve_task(task=done, cause=by_manager)
        resolve_task(task=dropped, cause=by_manager, cancelled=True)
        assert sent == []

    assert sent == [
        {"sender": Task, "account_id": account.pk, "task_id": done.pk, "cause": by_manager}
    ]


def test_reassigning_and_rescheduling_a_task_is_recorded(account, by_form, manager):
    from activity.models import StatusChange
    from activity.services.tasks import update_task
    from core.causes import Cause

    task = request(account, by_form)
    due = NOW + timedelta(days=3)

    changed = update_task(
        task=task, assignee=manager, due_at=due, cause=Cause.by_user(manager, "rebalancing")
    )

    task.refresh_from_db()
    assert changed == ["assignee", "due_at"]
    assert (task.assignee, task.due_at) == (manager, due)
    change = StatusChange.objects.get(task=task)
    assert change.data["due_at"][1] == due.isoformat()
    assert change.cause_reason == "rebalancing"
    assert update_task(task=task, assignee=manager, cause=Cause.by_user(manager)) == []


def test_a_task_update_cannot_close_or_move_the_task(account, by_form):
    from activity.services.tasks import update_task

    task = request(account, by_form)
    with pytest.raises(ValidationError, match="cannot be changed here"):
        update_task(task=task, status="done", cause=by_form)
