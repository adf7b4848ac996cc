"""Runs of a three-step workflow with a decision, executed by one worker in this process.

The workflow: a decision (account.plan is pro → tag "Bench pro"; otherwise → tag
"Bench other"), then a tag for everyone: three steps per run, the decision's own
result and a branch. Its runs are queued with bulk_create for `count` accounts
(half of them on each path where the plans allow), then claimed and executed a
batch at a time as a drain does (as a set: workflows.batches), inside a
transaction the bench rolls back.
"""

from accounts.models import Account, Plan
from core import clock
from core.causes import Cause
from core.claim_loop import BATCH, TIME_BUDGET
from workflows import engine
from workflows.models import Run, RunStatus, Step, TriggerEvent, Workflow
from workflows.services import publish

from .measure import measured

KEY = "bench-decision"
STEPS = [
    {
        "action": "decision",
        "params": {
            "paths": [
                {
                    "name": "Pro",
                    "conditions": [
                        {"subject": "account.plan", "operator": "eq", "value": Plan.PRO}
                    ],
                    "steps": [{"action": "add_tag", "params": {"tag": "Bench pro"}}],
                }
            ],
            "otherwise": [{"action": "add_tag", "params": {"tag": "Bench other"}}],
        },
    },
    {"action": "add_tag", "params": {"tag": "Bench decided"}},
]


def queue_runs(count: int) -> list[int]:
    """The decision workflow (off: only these runs execute it) and `count` queued runs."""
    workflow = Workflow.objects.create(
        key=KEY, name="Bench decision", trigger="plan_changed", is_active=False
    )
    for position, step in enumerate(STEPS):
        Step.objects.create(workflow=workflow, position=position, **step)
    version = publish(workflow=workflow)
    now = clock.now()
    account_ids = list(Account.objects.values_list("pk", flat=True)[:count])
    events = TriggerEvent.objects.bulk_create(
        TriggerEvent(
            kind="plan_changed",
            account_id=pk,
            event_key=f"bench-decision:{pk}",
            created_at=now,
            processed_at=now,
            **Cause.by_system().as_fields(),
        )
        for pk in account_ids
    )
    runs = Run.objects.bulk_create(
        Run(
            workflow=workflow,
            version=version,
            event=event,
            account_id=event.account_id,
            status=RunStatus.QUEUED,
            due_at=now,
            created_at=now,
        )
        for event in events
    )
    return [run.pk for run in runs]


def _drained(ids: list[int]) -> list[str]:
    """Claim the runs a drain's batch at a time and execute each batch as a worker does
    (engine.execute_batch); their statuses."""
    statuses: list[str] = []
    for start in range(0, len(ids), BATCH):
        now = clock.now()
        batch = ids[start : start + BATCH]
        Run.objects.filter(pk__in=batch, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, claimed_at=now
        )
        statuses += engine.execute_batch([(pk, now) for pk in batch], now, TIME_BUDGET)
    return statuses


def execute_decision_runs(count: int) -> dict:
    """Queue, then time executing them: `measured`'s figures, `result` the runs that succeeded,
    `paths` how many took each path. Call it inside a transaction to be rolled back."""
    ids = queue_runs(count)
    m = measured(lambda: _drained(ids).count(RunStatus.SUCCEEDED))
    taken = Run.objects.filter(pk__in=ids).values_list("results__position", flat=True)
    m["paths"] = {
        "pro": sum(position == "0.0.0" for position in taken),
        "otherwise": sum(position == "0.1.0" for position in taken),
    }
    return m
