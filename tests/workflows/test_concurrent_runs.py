"""Two workers given the same run at the same moment execute each step once."""

import threading

import pytest
from django.db import connection

from accounts.services import add_tag
from core import clock
from core.causes import Cause
from workflows import engine
from workflows.models import Run, RunStatus, Step, StepResult, TriggerEvent, Workflow
from workflows.services import publish

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_run_executed_by_two_workers_at_once_does_each_step_once(account):
    workflow = Workflow.objects.create(key="two-tags", name="Two tags", trigger="plan_changed")
    Step.objects.create(workflow=workflow, position=0, action="add_tag", params={"tag": "One"})
    Step.objects.create(workflow=workflow, position=1, action="add_tag", params={"tag": "Two"})
    version = publish(workflow=workflow)
    event = TriggerEvent.objects.create(
        kind="plan_changed",
        account=account,
        event_key="manual:1",
        created_at=clock.now(),
        **Cause.by_system().as_fields(),
    )
    run = Run.objects.create(
        workflow=workflow,
        version=version,
        event=event,
        account=account,
        status=RunStatus.QUEUED,
        due_at=clock.now(),
        created_at=clock.now(),
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(engine.execute_run(run.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert StepResult.objects.filter(run=run).count() == 2
    assert account.tag_events.filter(tag__name__in=["One", "Two"]).count() == 2
    # Exactly one worker claimed it; the other saw it taken.
    assert sorted(outcomes).count(RunStatus.SUCCEEDED) >= 1
    assert add_tag(account=account, tag="One", cause=Cause.by_system()) is False
