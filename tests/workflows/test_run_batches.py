"""A drain's batch of runs executed as a set (workflows.batches): what a worker does with
the runs it claimed. The statements per batch stay the same whatever its size, every run
still does each step exactly once, and one run's bad step fails that run alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Plan, Tag, TagEvent
from core import clock
from core.causes import Cause
from tests.factories import AccountFactory
from tests.workflows.test_engine import build_workflow
from workflows import batches, engine
from workflows.models import Run, RunStatus, StepResult, TriggerEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

TAG = [("add_tag", {"tag": "Batch", "replaces": ["Old"]})]
DECISION = [
    (
        "decision",
        {
            "paths": [
                {
                    "name": "Pro",
                    "conditions": [
                        {"subject": "account.plan", "operator": "eq", "value": Plan.PRO}
                    ],
                    "steps": [{"action": "add_tag", "params": {"tag": "Pro"}}],
                }
            ],
            "otherwise": [{"action": "add_tag", "params": {"tag": "Other"}}],
        },
    ),
    ("add_tag", {"tag": "Decided"}),
]


def queue(workflow, accounts, data=None) -> list[int]:
    """A queued run of `workflow` per account (an account may come twice), as the matcher
    leaves them; `data(n)` is the n-th event's data."""
    now = clock.now()
    events = TriggerEvent.objects.bulk_create(
        TriggerEvent(
            kind=workflow.trigger,
            account=account,
            event_key=f"batch:{workflow.pk}:{n}",
            data=data(n) if data else {},
            created_at=now,
            processed_at=now,
            **Cause.by_system().as_fields(),
        )
        for n, account in enumerate(accounts)
    )
    runs = Run.objects.bulk_create(
        Run(
            workflow=workflow,
            version=workflow.current_version,
            event=event,
            account_id=event.account_id,
            status=RunStatus.QUEUED,
            due_at=now,
            created_at=now,
        )
        for event in events
    )
    return [run.pk for run in runs]


def drained_queries(count: int, steps, name: str, results: int) -> int:
    workflow = build_workflow(name, "plan_changed", steps)
    workflow.refresh_from_db()
    plans = [Plan.PRO, Plan.FREE]
    accounts = [AccountFactory(plan=plans[n % 2]) for n in range(count)]
    ids = queue(workflow, accounts)
    with CaptureQueriesContext(connection) as captured:
        drained = engine.drain_runs()
    assert drained.outcomes == [RunStatus.SUCCEEDED] * count
    assert StepResult.objects.filter(run_id__in=ids).count() == count * results
    return len(captured)


@pytest.mark.parametrize(
    ("steps", "results", "most"),
    [(TAG, 1, 40), (DECISION, 3, 70)],
    ids=["one step", "decision, 3 steps"],
)
def test_a_batch_costs_the_same_statements_for_5_runs_as_for_40(steps, results, most):
    for name in ("Batch", "Old", "Pro", "Other", "Decided"):
        Tag.objects.create(name=name)  # a workflow's first run makes its tags

    small = drained_queries(5, steps, "small", results)
    large = drained_queries(40, steps, "large", results)

    assert small == large
    # The whole drain (claims, the lanes served between batches): run by run, 40 runs
    # cost 11 statements a step each (test_run_query_counts), 440 or more.
    assert large <= most


def test_each_run_of_a_batch_takes_its_own_path_and_an_account_twice_is_tagged_once():
    workflow = build_workflow("decide", "plan_changed", DECISION)
    workflow.refresh_from_db()
    pro, free = AccountFactory(plan=Plan.PRO), AccountFactory(plan=Plan.FREE)
    queue(workflow, [pro, free, pro])

    engine.drain_runs()
    engine.drain_runs()  # again: nothing new

    assert set(Run.objects.values_list("status", flat=True)) == {RunStatus.SUCCEEDED}
    assert {tag.name for tag in pro.tags.all()} == {"Pro", "Decided"}
    assert {tag.name for tag in free.tags.all()} == {"Other", "Decided"}
    assert TagEvent.objects.filter(account=pro).count() == 2  # once each, not per run
    details = set(StepResult.objects.filter(position="1").values_list("detail", flat=True))
    assert details == {"Tag 'Decided' added.", "Tag 'Decided' was already there."}


def test_a_run_whose_step_is_refused_fails_alone_and_the_rest_of_its_batch_goes_on():
    workflow = build_workflow("named", "plan_changed", [("add_tag", {"tag": "{{ data.tag }}"})])
    workflow.refresh_from_db()
    accounts = [AccountFactory() for _ in range(4)]
    ids = queue(workflow, accounts, data=lambda n: {"tag": "" if n == 2 else f"T{n}"})

    engine.drain_runs()

    statuses = dict(Run.objects.values_list("pk", "status"))
    assert [statuses[pk] for pk in ids] == [
        RunStatus.SUCCEEDED,
        RunStatus.SUCCEEDED,
        RunStatus.FAILED,
        RunStatus.SUCCEEDED,
    ]
    assert "A tag needs a name" in Run.objects.get(pk=ids[2]).last_error
    assert not accounts[2].tags.exists()
    assert [a.tags.get().name for a in (accounts[0], accounts[1], accounts[3])] == [
        "T0",
        "T1",
        "T3",
    ]


def test_a_run_taken_over_while_its_batch_was_in_hand_is_left_to_its_new_owner():
    workflow = build_workflow("taken", "plan_changed", TAG)
    workflow.refresh_from_db()
    mine, theirs = AccountFactory(), AccountFactory()
    ids = queue(workflow, [mine, theirs])
    claimed = clock.now()
    Run.objects.filter(pk__in=ids).update(status=RunStatus.RUNNING, claimed_at=claimed)
    runs = batches._load([(pk, claimed) for pk in ids])  # the batch has read them
    # Released as stuck and claimed by another worker meanwhile:
    Run.objects.filter(pk=ids[1]).update(claimed_at=claimed.replace(year=2030))

    moved = batches._take_step((0,), list(runs.values()))

    assert moved[ids[0]] == RunStatus.SUCCEEDED
    assert moved[ids[1]] == RunStatus.RUNNING  # still the other worker's
    assert mine.tags.get().name == "Batch"
    assert not theirs.tags.exists()
    assert not StepResult.objects.filter(run_id=ids[1]).exists()
