"""What one run costs the database: a fixed number of queries per step, pinned.

A worker's throughput is mostly its round trips, so every query a step
makes is counted here; a change that adds one fails with the statements
listed. The count must not grow with the account's history either.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import add_tag
from core import clock
from core.causes import Cause
from scoring.services import add_points
from tests.factories import AccountFactory, ContactFactory
from tests.workflows.test_engine import build_workflow
from workflows import engine
from workflows.models import Run, RunStatus, TriggerEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

ONE_STEP = [("add_tag", {"tag": "Bench"})]
# A playbook's usual shape: tag, stage, points, a customer e-mail, an owner alert.
FIVE_STEPS = [
    ("add_tag", {"tag": "Thriving", "replaces": ["Healthy", "Steady", "Struggling"]}),
    ("move_to_stage", {"pipeline": "health", "stage": "Thriving"}),
    ("add_points", {"points": 10, "reason": "Thriving since {{ data.since }}"}),
    ("send_email", {"template": "e2-payment-failed"}),
    ("notify_staff", {"template": "e2-payment-failed-alert", "rule": "owner"}),
]


def queued_run(workflow, account) -> int:
    """A queued run of `workflow` for `account`, as the matcher leaves it."""
    now = clock.now()
    workflow.refresh_from_db()
    event = TriggerEvent.objects.create(
        kind=workflow.trigger,
        account=account,
        event_key=f"test:{account.pk}",
        data={"since": "May"},
        created_at=now,
        processed_at=now,
        **Cause.by_system().as_fields(),
    )
    return Run.objects.create(
        workflow=workflow,
        version=workflow.current_version,
        event=event,
        account=account,
        status=RunStatus.QUEUED,
        due_at=now,
        created_at=now,
    ).pk


def run_queries(run_id: int) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as captured:
        assert engine.execute_run(run_id) == RunStatus.SUCCEEDED
    return captured


def listing(captured: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"][:160] for query in captured.captured_queries)


def customer(owner, name: str):
    """An account with its owner and a primary contact, as the playbooks expect."""
    account = AccountFactory(owner=owner, name=name)
    ContactFactory(account=account, email=f"{name.lower()}@example.com", is_primary=True)
    return account


def with_a_long_history(account, by_manager):
    for n in range(30):
        add_tag(account=account, tag=f"Old {n}", cause=by_manager)
        add_points(account=account, points=5, reason=f"n{n}", source="manual", cause=by_manager)
    return account


# One step: the claim and the run's read; then the step's transaction
# (savepoint, claiming the step, the result, release) around add_tag's five
# (lock, tag lookup, tag, history row, trigger event). Five steps: the staff
# alert also reads its recipients' delivery choices (immediate, digest, off) and the
# team's Slack channels that take its kind.
@pytest.mark.parametrize(
    ("steps", "expected"),
    [(ONE_STEP, 11), (FIVE_STEPS, 53)],
    ids=["one step", "five steps"],
)
def test_a_run_costs_the_same_queries_for_a_new_account_and_one_with_a_long_history(
    steps, expected, csm, manager, by_manager
):
    workflow = build_workflow("counted", "plan_changed", steps, user=manager)
    # The workflow's first run creates its tags; every later run finds them.
    run_queries(queued_run(workflow, customer(csm, "First")))
    new = queued_run(workflow, customer(csm, "New"))
    old = queued_run(workflow, with_a_long_history(customer(csm, "Old"), by_manager))

    for_new, for_old = run_queries(new), run_queries(old)

    assert len(for_new) == expected, listing(for_new)
    assert len(for_old) == expected, listing(for_old)
