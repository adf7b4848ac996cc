"""Priority lanes through the real drain loops: interactive work goes first, however
much bulk work is queued ahead of it, and a long bulk drain serves it between batches.

The clock is time-machine's, moved on by each run or message worked (0.3 s each:
a 30 s budget then covers about one batch), so a drain's budget really runs out.
"""

from datetime import timedelta

import pytest
from django.core import mail

from accounts.services import change_health_status
from core import clock
from core.causes import Cause, CauseKind
from core.claim_loop import BATCH
from core.lanes import BULK, INTERACTIVE
from notifications import delivery
from notifications import tasks as outbox_tasks
from notifications.models import Channel, Message, MessageStatus
from tests.factories import AccountFactory
from tests.workflows.test_engine import build_workflow
from workflows import engine, matching
from workflows import tasks as run_tasks
from workflows.models import Run, RunStatus, TriggerEvent

pytestmark = pytest.mark.django_db

BACKLOG = 10_000
PER_ITEM = timedelta(seconds=0.3)


def watch(monkeypatch, frozen_time, module, name, per_item=PER_ITEM):
    """Each call of `module.name` (the drain's per-item work) is recorded and moves
    the clock on by `per_item`; the real function still does the work."""
    worked = []
    real = getattr(module, name)

    def working(item_id, *args):
        worked.append(item_id)
        outcome = real(item_id, *args)
        frozen_time.shift(per_item)
        return outcome

    monkeypatch.setattr(module, name, working)
    return worked


def watch_batches(monkeypatch, frozen_time, per_item=PER_ITEM, before=None):
    """Each batch of runs a drain executes (as a set: workflows.batches) is recorded run by
    run, in claim order, and moves the clock on by `per_item` a run; `before(claims)` is
    called with a batch in hand. The real executor does the work."""
    worked = []
    real = engine.execute_batch

    def working(claims, started, budget):
        if before is not None:
            before(claims)
        outcomes = real(claims, started, budget)
        worked.extend(pk for pk, _ in claims[: len(outcomes)])
        frozen_time.shift(per_item * len(claims))
        return outcomes

    monkeypatch.setattr(engine, "execute_batch", working)
    return worked


def wake_ups(callbacks) -> list[str]:
    """The drain tasks a block's commit enqueues (its other after-commit work left out)."""
    return sorted(callback.task for callback in callbacks if hasattr(callback, "task"))


def bulk_runs(workflow, account, count: int) -> list[int]:
    """`count` queued runs written by bulk_create (no lane given: bulk), as a sweep's would be."""
    now = clock.now() - timedelta(hours=1)  # queued long before anything else
    cause = Cause.by_system("sweep").as_fields()
    events = TriggerEvent.objects.bulk_create(
        TriggerEvent(
            kind=workflow.trigger,
            account=account,
            event_key=f"bulk:{n}",
            created_at=now,
            processed_at=now,
            **cause,
        )
        for n in range(count)
    )
    runs = Run.objects.bulk_create(
        Run(
            workflow=workflow,
            version=workflow.current_version,
            event=event,
            account=account,
            status=RunStatus.QUEUED,
            due_at=now,
            created_at=now,
        )
        for event in events
    )
    return [run.pk for run in runs]


@pytest.fixture
def bulk_workflow(manager):
    workflow = build_workflow("bulk-tagging", "plan_changed", [("add_tag", {"tag": "Bulk"})])
    workflow.refresh_from_db()
    return workflow


def test_an_interactive_run_queued_after_10000_bulk_runs_executes_before_them(
    frozen_time, monkeypatch, django_capture_on_commit_callbacks, bulk_workflow, account, manager
):
    backlog = bulk_runs(bulk_workflow, AccountFactory(), BACKLOG)
    frozen_time.shift(timedelta(minutes=5))
    # A manager's health change, the real way: its event, matched, queues b1's run last.
    change_health_status(account=account, status="struggling", cause=Cause.by_user(manager, "call"))
    [event] = TriggerEvent.objects.filter(processed_at=None, kind="health_status_changed")
    assert matching.match_trigger_event(event.pk) == 1
    [interactive] = Run.objects.filter(account=account, status=RunStatus.QUEUED)
    assert interactive.lane == INTERACTIVE
    assert set(Run.objects.filter(pk__in=backlog[:5]).values_list("lane", flat=True)) == {BULK}
    worked = watch_batches(monkeypatch, frozen_time)

    with django_capture_on_commit_callbacks() as woken:
        run_tasks.drain_runs()

    assert worked[0] == interactive.pk
    interactive.refresh_from_db()
    assert interactive.status == RunStatus.SUCCEEDED
    assert "Struggling" in {tag.name for tag in account.tags.all()}
    # The budget ran out within the first bulk batch: the rest went back, none held.
    assert 1 < len(worked) <= 1 + BATCH
    assert Run.objects.filter(status=RunStatus.RUNNING).count() == 0
    left = Run.objects.filter(pk__in=backlog, status=RunStatus.QUEUED).count()
    assert left == BACKLOG - (len(worked) - 1)
    assert wake_ups(woken) == [
        "notifications.tasks.drain_outbox",  # b1's messages
        "workflows.tasks.drain_runs",  # work is left: one more drain, not one per run
        "workflows.tasks.process_pending_events",  # the events the runs' changes recorded
    ]


def test_a_long_bulk_drain_serves_a_managers_change_between_its_batches(
    frozen_time, monkeypatch, bulk_workflow, account, contact, manager
):
    bulk_runs(bulk_workflow, AccountFactory(), 3 * BATCH)

    def manager_acts_midway(claims):
        if not worked:  # while the first bulk batch is in hand
            change_health_status(account=account, status="struggling", cause=Cause.by_user(manager))

    # 0.05 s a run: the whole backlog fits in one drain's budget.
    worked = watch_batches(
        monkeypatch, frozen_time, timedelta(seconds=0.05), before=manager_acts_midway
    )

    drained = engine.drain_runs()

    [b1] = Run.objects.filter(account=account, status=RunStatus.SUCCEEDED)
    assert b1.lane == INTERACTIVE
    assert worked.index(b1.pk) == BATCH  # right after the batch in hand, not after 300
    assert [message.to for message in mail.outbox] == [[contact.email]]  # its e-mail too
    assert len(drained.outcomes) == 3 * BATCH  # and then the bulk work went on
    assert not Run.objects.filter(status=RunStatus.QUEUED).exists()


def bulk_messages(count: int) -> None:
    now = clock.now() - timedelta(hours=1)
    cause = {"cause_kind": CauseKind.SYSTEM, "cause_reason": "sweep"}
    Message.objects.bulk_create(
        Message(
            channel=Channel.EMAIL,
            recipient=f"bulk{n}@customer.example",
            cause_key=f"bulk:{n}",
            subject="News",
            body_text="Bulk news",
            next_attempt_at=now,
            created_at=now,
            **cause,
        )
        for n in range(count)
    )


def test_an_interactive_message_queued_after_10000_bulk_messages_is_sent_before_them(
    frozen_time, monkeypatch, django_capture_on_commit_callbacks
):
    bulk_messages(BACKLOG)
    frozen_time.shift(timedelta(minutes=5))
    with django_capture_on_commit_callbacks() as woken:
        Message.objects.create(  # what a customer's form reply queues
            channel=Channel.EMAIL,
            recipient="waiting@customer.example",
            cause_key="form:1",
            subject="Your request",
            body_text="We have it.",
            next_attempt_at=clock.now(),
            created_at=clock.now(),
            lane=INTERACTIVE,
            **Cause.by_customer("form").as_fields(),
        )
    assert woken == []  # a row written by hand wakes nothing: the drain finds it anyway
    # A batch is delivered as a set: each message's outcome is settled as it is sent.
    worked = watch(monkeypatch, frozen_time, delivery, "_settled")

    with django_capture_on_commit_callbacks() as woken:
        outbox_tasks.drain_outbox()

    assert mail.outbox[0].to == ["waiting@customer.example"]
    assert 1 < len(mail.outbox) == len(worked) <= 1 + BATCH
    queued = Message.objects.filter(status=MessageStatus.QUEUED)
    assert queued.count() == BACKLOG - (len(worked) - 1)
    assert not queued.exclude(claimed_at=None).exists(), "what it did not reach is free again"
    assert wake_ups(woken) == ["notifications.tasks.drain_outbox"]  # one more drain
