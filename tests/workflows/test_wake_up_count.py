"""1,000 queued runs cost a handful of django-q2 tasks, not one per run and message.

Real commits (a transactional test) and the ORM broker: every task enqueued is
a row in django-q2's queue, counted, then taken and run as a worker would, until
the queue is empty. The clock moves on 30 ms per run, so the drains' budgets run
out and they wake more drains, as under load.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from core import clock
from core.causes import Cause
from notifications.models import Message, MessageStatus
from tests.factories import AccountFactory, UserFactory
from tests.workflows.conftest import NOW
from tests.workflows.test_engine import build_workflow
from workflows import engine
from workflows.matching import RUNS_TASK
from workflows.models import Run, RunStatus, TriggerEvent

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = 1_000


def test_1000_queued_runs_cause_at_most_20_django_q2_tasks(monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)  # enqueue into the ORM broker, as live
    with time_machine.travel(NOW, tick=False) as traveller:
        owner = UserFactory(username="owner")
        account = AccountFactory(owner=owner)
        workflow = build_workflow(
            "bulk-alert",
            "plan_changed",
            [
                ("add_tag", {"tag": "Bulk"}),
                ("notify_staff", {"template": "e2-payment-failed-alert", "rule": "owner"}),
            ],
        )
        workflow.refresh_from_db()
        now = clock.now()
        events = TriggerEvent.objects.bulk_create(
            TriggerEvent(
                kind="plan_changed",
                account=account,
                event_key=f"bulk:{n}",
                created_at=now,
                processed_at=now,
                **Cause.by_system("sweep").as_fields(),
            )
            for n in range(RUNS)
        )
        Run.objects.bulk_create(
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
        real = engine.execute_batch

        def taking_time(claims, started, budget):  # a drain's batch, executed as a set
            outcomes = real(claims, started, budget)
            traveller.shift(timedelta(milliseconds=30) * len(claims))
            return outcomes

        monkeypatch.setattr(engine, "execute_batch", taking_time)
        async_task(RUNS_TASK)  # what the commit that queued them enqueues

        broker = get_broker()
        tasks = []
        while True:
            traveller.shift(timedelta(milliseconds=1))  # the broker takes tasks locked before now
            fetched = broker.dequeue()
            if not fetched:
                break
            for ack_id, payload in fetched:
                task = SignedPackage.loads(payload)
                tasks.append(task["func"])
                broker.acknowledge(ack_id)
                import_string(task["func"])(*task["args"], **task["kwargs"])

    assert Run.objects.filter(status=RunStatus.SUCCEEDED).count() == RUNS
    assert Message.objects.filter(status=MessageStatus.SENT).count() == RUNS
    print(f"{len(tasks)} django-q2 tasks for {RUNS} runs: {sorted(set(tasks))}")
    assert len(tasks) <= 20, tasks
