"""Decisions, waits for the customer and goals, end to end on a frozen clock.

Each test makes the change a person or the product would make (a plan change, a
login, a tag), lets it reach the engine as in production (`deliver`), and checks
what the account shows afterwards, then that the same event again changes nothing.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Plan
from accounts.services import add_tag, change_plan
from activity.services.logins import record_login
from core.causes import Cause
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import footprint, tag_names
from workflows import engine
from workflows.matching import match_trigger_event
from workflows.models import Run, RunStatus, Step, TriggerEvent, Workflow
from workflows.services import publish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


@pytest.fixture(autouse=True)
def _only_these_workflows(db):
    """The default playbooks stay out of the way: each test's own workflows alone run."""
    Workflow.objects.update(is_active=False)


def workflow(key: str, steps: list[dict], *, trigger="plan_changed", goal=None) -> Workflow:
    made = Workflow.objects.create(key=key, name=key, trigger=trigger, goal=goal or {})
    for position, step in enumerate(steps):
        Step.objects.create(workflow=made, position=position, **step)
    publish(workflow=made)
    return made


def tag(name: str) -> dict:
    return {"action": "add_tag", "params": {"tag": name}}


def when(subject: str, operator: str, value: str) -> dict:
    return {"subject": subject, "operator": operator, "value": value}


def upgrade(account, plan=Plan.PRO):
    return change_plan(account=account, plan=plan, cause=Cause.by_api("billing"))


def login(account, at=None):
    return record_login(account=account, occurred_at=at or NOW, cause=Cause.by_api("product"))


def the_run(account) -> Run:
    [run] = Run.objects.filter(account=account).exclude(workflow__key__startswith="d1")
    return run


def results(run: Run) -> dict[str, str]:
    return dict(run.results.values_list("position", "detail"))


DECISION = {
    "action": "decision",
    "params": {
        "paths": [
            {
                "name": "Moved to Pro",
                "conditions": [when("data.to_plan", "eq", "Pro")],
                "steps": [tag("Pro path")],
            },
            {"name": "VIP", "conditions": [when("", "has_tag", "VIP")], "steps": [tag("VIP path")]},
        ],
        "otherwise": [tag("Other path")],
    },
}


# --- decisions ---------------------------------------------------------------------------


def test_a_decision_takes_the_first_path_that_holds_records_why_and_goes_on_after_it(
    deliver, account
):
    workflow("plan-paths", [DECISION, tag("Done")])

    deliver(lambda: upgrade(account))

    run = the_run(account)
    assert run.status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"Pro path", "Done"}
    decided = run.results.get(position="0")
    assert decided.detail == "Took “Moved to Pro”: data.to_plan eq Pro: saw 'Pro'."
    [first] = decided.decisions
    assert (first["name"], first["taken"]) == ("Moved to Pro", True)
    assert first["conditions"][0]["seen"] == "Pro"
    assert set(results(run)) == {"0", "0.0.0", "1"}

    before = footprint(account)
    event = TriggerEvent.objects.get(account=account, kind="plan_changed")
    deliver(lambda: match_trigger_event(event.pk))  # the same event again
    deliver(engine.resume_due_runs)
    assert footprint(account) == before


def test_no_path_holding_takes_otherwise_and_the_run_log_says_so(deliver, account, client, manager):
    workflow("plan-paths", [DECISION, tag("Done")])

    deliver(lambda: upgrade(account, Plan.ENTERPRISE))

    run = the_run(account)
    assert tag_names(account) == {"Other path", "Done"}
    assert results(run)["0"] == "Took “otherwise”: no path's conditions all held."
    assert [d["taken"] for d in run.results.get(position="0").decisions] == [False, False]
    client.force_login(manager)
    page = client.get(f"/workflows/runs/{run.pk}/").content.decode()
    assert "Took “otherwise”" in page
    assert "on “otherwise”" in page
    assert "not on the path taken" in page  # the Pro and VIP paths' steps


def test_decisions_nest_and_each_level_is_recorded_at_its_path(deliver, account):
    inner = {
        "action": "decision",
        "params": {
            "paths": [{"conditions": [when("account.plan", "eq", "pro")], "steps": [tag("Inner")]}],
        },
    }
    outer = {
        "action": "decision",
        "params": {
            "paths": [
                {"conditions": [when("data.upgrade", "eq", "True")], "steps": [tag("Outer"), inner]}
            ]
        },
    }
    workflow("nested", [outer, tag("Last")])

    deliver(lambda: upgrade(account))

    run = the_run(account)
    assert run.status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"Outer", "Inner", "Last"}
    assert set(results(run)) == {"0", "0.0.0", "0.0.1", "0.0.1.0.0", "1"}


# --- waiting for the customer --------------------------------------------------------------

WAIT_FOR_LOGIN = {
    "action": "wait_for",
    "params": {
        "event": "login_recorded",
        "days": 3,
        "happened": [tag("Came back")],
        "timed_out": [tag("No show")],
    },
}


def test_a_login_wakes_the_waiting_run_onto_happened_and_a_second_login_changes_nothing(
    deliver, frozen_time, account
):
    workflow("wait-login", [WAIT_FOR_LOGIN, tag("After")])
    deliver(lambda: upgrade(account))
    run = the_run(account)
    assert (run.status, run.waiting_for) == (RunStatus.WAITING, "login_recorded")
    assert run.due_at == NOW + timedelta(days=3)

    frozen_time.shift(timedelta(hours=5))
    deliver(lambda: login(account, NOW + timedelta(hours=5)))

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"Came back", "After"}
    assert results(run)["0"].startswith("Happened: login_recorded #")

    before = footprint(account)
    frozen_time.shift(timedelta(hours=1))
    deliver(lambda: login(account, NOW + timedelta(hours=6)))  # another login: a new event
    frozen_time.shift(timedelta(days=4))
    deliver(engine.resume_due_runs)  # and the time limit passing
    after = footprint(account)
    assert after["tag events"] == before["tag events"]
    assert after["runs"] == before["runs"]


def test_no_login_by_the_time_limit_takes_timed_out_once(deliver, frozen_time, account):
    workflow("wait-login", [WAIT_FOR_LOGIN, tag("After")])
    deliver(lambda: upgrade(account))

    frozen_time.shift(timedelta(days=3) - timedelta(minutes=1))
    deliver(engine.resume_due_runs)
    assert the_run(account).status == RunStatus.WAITING  # not yet

    frozen_time.shift(timedelta(minutes=2))
    deliver(engine.resume_due_runs)
    run = the_run(account)
    assert run.status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"No show", "After"}
    assert results(run)["0"].startswith("Timed out")

    before = footprint(account)
    deliver(lambda: login(account, NOW + timedelta(days=3, minutes=2)))  # too late
    deliver(engine.resume_due_runs)
    assert footprint(account)["tag events"] == before["tag events"]


def test_a_login_after_the_limit_but_before_the_sweep_loses_to_the_time_out(
    deliver, frozen_time, account
):
    workflow("wait-login", [WAIT_FOR_LOGIN])
    deliver(lambda: upgrade(account))

    frozen_time.shift(timedelta(days=3, minutes=1))
    deliver(lambda: login(account, NOW + timedelta(days=3, minutes=1)))
    # The login's matching drains the runs too, which times the wait out: one path only.
    deliver(engine.resume_due_runs)

    assert tag_names(account) == {"No show"}
    assert the_run(account).status == RunStatus.SUCCEEDED


def test_a_login_before_the_run_started_waiting_does_not_wake_it(deliver, frozen_time, account):
    workflow("wait-login", [WAIT_FOR_LOGIN])
    # A login recorded (not yet matched) before the upgrade, matched after the run parked.
    event_first = TriggerEvent.objects.create(
        kind="login_recorded",
        account=account,
        event_key="early",
        created_at=NOW - timedelta(minutes=5),
        **Cause.by_api("product").as_fields(),
    )
    deliver(lambda: upgrade(account))
    assert the_run(account).status == RunStatus.WAITING

    deliver(lambda: match_trigger_event(event_first.pk))

    assert the_run(account).status == RunStatus.WAITING
    assert tag_names(account) == set()


def test_a_condition_wait_is_woken_when_the_account_comes_to_meet_it(deliver, account, by_manager):
    waits = {
        "action": "wait_for",
        "params": {
            "conditions": [when("", "has_tag", "Champion")],
            "hours": 6,
            "happened": [tag("Champion found")],
            "timed_out": [tag("No champion")],
        },
    }
    workflow("wait-champion", [waits])
    deliver(lambda: upgrade(account))
    assert the_run(account).waiting_for == "condition"

    deliver(lambda: add_tag(account=account, tag="Champion", cause=by_manager))

    assert the_run(account).status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"Champion", "Champion found"}


def test_a_condition_already_true_goes_on_at_once(deliver, account, by_manager):
    deliver(lambda: add_tag(account=account, tag="Champion", cause=by_manager))
    waits = {
        "action": "wait_for",
        "params": {
            "conditions": [when("", "has_tag", "Champion")],
            "hours": 6,
            "happened": [tag("Yes")],
        },
    }
    workflow("wait-champion", [waits])

    deliver(lambda: upgrade(account))

    assert the_run(account).status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"Champion", "Yes"}


def test_a_login_wakes_any_number_of_waiting_runs_with_the_same_queries(account):
    """Matching one login: the same statements whether 2 or 8 runs wait for it."""

    def queries_to_wake(waiting: int, plan: str) -> int:
        Run.objects.all().delete()
        Workflow.objects.filter(key__startswith="many-").delete()
        for number in range(waiting):
            workflow(f"many-{number}", [WAIT_FOR_LOGIN])
        upgrade(account, plan)  # a new event each time
        for event in TriggerEvent.objects.filter(processed_at=None):
            match_trigger_event(event.pk)
        engine.drain_runs()
        assert Run.objects.filter(status=RunStatus.WAITING).count() == waiting
        login(account, NOW - timedelta(minutes=waiting))  # a new login each time
        event = TriggerEvent.objects.get(kind="login_recorded", processed_at=None)
        with CaptureQueriesContext(connection) as queries:
            match_trigger_event(event.pk)
        assert Run.objects.filter(
            status=RunStatus.QUEUED, woken_by__startswith="login"
        ).count() == (waiting)
        return len(queries)

    assert queries_to_wake(2, Plan.PRO) == queries_to_wake(8, Plan.BUSINESS)


# --- goals -------------------------------------------------------------------------------


def test_reaching_the_goal_ends_the_run_and_skips_what_is_left(
    deliver, frozen_time, account, client, manager
):
    made = workflow(
        "nurture",
        [tag("Nudged"), {"action": "wait", "params": {"days": 2}}, tag("Second nudge")],
        goal={"event": "login_recorded"},
    )
    deliver(lambda: upgrade(account))
    assert the_run(account).status == RunStatus.WAITING

    frozen_time.shift(timedelta(hours=1))
    deliver(lambda: login(account, NOW + timedelta(hours=1)))
    run = the_run(account)
    assert (run.status, run.finished_at) == (RunStatus.GOAL_REACHED, NOW + timedelta(hours=1))

    frozen_time.shift(timedelta(days=3))
    deliver(engine.resume_due_runs)
    assert tag_names(account) == {"Nudged"}
    assert the_run(account).status == RunStatus.GOAL_REACHED

    client.force_login(manager)
    page = client.get(f"/workflows/{made.pk}/").content.decode()
    assert "1 of 1 run reached the goal" in page
    assert "100%" in page
    detail = client.get(f"/workflows/runs/{run.pk}/").content.decode()
    assert "skipped: the goal was reached" in detail


def test_a_goal_met_by_the_event_that_started_the_run_does_not_end_it(deliver, account):
    workflow(
        "login-goal",
        [tag("Welcome back")],
        trigger="login_recorded",
        goal={"event": "login_recorded"},
    )

    deliver(lambda: login(account))

    assert the_run(account).status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"Welcome back"}


def test_a_goal_on_the_event_beats_the_wait_for_the_same_event(deliver, frozen_time, account):
    workflow("both", [WAIT_FOR_LOGIN], goal={"event": "login_recorded"})
    deliver(lambda: upgrade(account))

    deliver(lambda: login(account, NOW + timedelta(minutes=1)))

    assert the_run(account).status == RunStatus.GOAL_REACHED
    assert tag_names(account) == set()
