"""The workflow engine end to end: crashes, duplicates, retries, waits, edits and loops."""

import dataclasses
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Plan
from accounts.services import add_tag, cancel_subscription, change_plan
from activity.services.payments import record_payment
from core.causes import Cause
from core.claim_loop import retry_delay
from notifications.models import MessageTemplate
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import (
    customer_messages,
    emails_to,
    footprint,
    inbox,
    runs_of,
    stage,
    tag_names,
)
from workflows import engine, tasks
from workflows.actions import ACTIONS
from workflows.models import Run, RunStatus, Step, StepOutcome, TriggerEvent, Workflow
from workflows.services import publish, set_active

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def watch_action(monkeypatch, action: str, *, fail=None, when=None) -> list[int]:
    """Record each call of `action` steps (the run id); with `fail`, raise it on
    the calls `when(call_number)` picks, and work as shipped otherwise."""
    kind = ACTIONS[action]
    calls = []

    def run(context, params):
        calls.append(context.run.pk)
        if fail is not None and when(len(calls)):
            raise fail
        return kind.run(context, params)

    def run_many(contexts, params):  # a drain's batch, as a set (workflows.batches)
        calls.extend(context.run.pk for context in contexts)
        return kind.run_many(contexts, params)

    # Failing calls are picked one by one: a batch then runs the action for each run.
    many = run_many if kind.run_many is not None and fail is None else None
    monkeypatch.setitem(ACTIONS, action, dataclasses.replace(kind, run=run, run_many=many))
    return calls


def first_call(number: int) -> bool:
    return number == 1


def build_workflow(key: str, trigger: str, steps: list[tuple[str, dict]], user=None) -> Workflow:
    """A manager's own workflow: its steps, then published as version 1."""
    workflow = Workflow.objects.create(key=key, name=key.replace("-", " ").title(), trigger=trigger)
    for position, (action, params) in enumerate(steps):
        Step.objects.create(workflow=workflow, position=position, action=action, params=params)
    publish(workflow=workflow, user=user)
    return workflow


def failed_payment(account, external_id="ch_1"):
    return record_payment(
        account=account,
        external_id=external_id,
        amount=Decimal("99.00"),
        succeeded=False,
        failure_reason="card_declined",
        cause=Cause.by_api("stripe"),
    )


def paid(account, external_id):
    return record_payment(
        account=account,
        external_id=external_id,
        amount=Decimal("99.00"),
        succeeded=True,
        cause=Cause.by_api("stripe"),
    )


def upgrade(account, cause, plan=Plan.PRO):
    return change_plan(account=account, plan=plan, cause=cause)


UPGRADE_STEPS = [
    ("add_tag", {"tag": "Upgraded"}),
    ("wait", {"days": 1}),
    ("add_tag", {"tag": "Upgrade check-in due"}),
]


# --- crashes and duplicates ---------------------------------------------------


def test_a_worker_killed_between_two_steps_resumes_there_without_repeating_the_first(
    deliver, frozen_time, monkeypatch, account, contact, csm
):
    # Step 2 of e2 (move the card) dies the way a SIGKILL would: nothing catches it.
    calls = watch_action(monkeypatch, "move_to_stage", fail=KeyboardInterrupt(), when=first_call)
    tagging = watch_action(monkeypatch, "add_tag")

    with pytest.raises(KeyboardInterrupt):
        deliver(lambda: failed_payment(account))

    [run] = runs_of("e2-payment-failed", account)
    assert (run.status, run.next_step) == (RunStatus.RUNNING, 1)
    assert list(run.results.values_list("position", "outcome")) == [("0", StepOutcome.DONE)]
    assert tag_names(account) == {"Payment Failed"}
    assert stage(account, "subscription") is None

    frozen_time.shift(engine.STUCK_AFTER - timedelta(minutes=1))
    deliver(engine.resume_due_runs)  # it may still be working: leave it alone
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING

    frozen_time.shift(timedelta(minutes=2))
    deliver(engine.resume_due_runs)

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert list(run.results.values_list("position", "outcome")) == [
        (str(position), StepOutcome.DONE) for position in range(4)
    ]
    assert run.results.get(position=0).finished_at == NOW  # done before the crash, not again
    assert tagging == [run.pk]  # step 1: once, before the crash
    assert calls == [run.pk, run.pk]  # step 2: killed once, then done once
    assert account.tag_events.count() == 1
    assert account.stage_moves.count() == 1
    assert stage(account, "subscription") == "Subscription Failed"
    assert len(customer_messages(account, "e2-payment-failed")) == 1
    assert len(emails_to(contact.email)) == 1
    assert inbox(csm) == [f"Payment failed: {account.name}"]


def test_a_run_task_delivered_twice_executes_its_steps_once(
    deliver, django_capture_on_commit_callbacks, account, contact, by_api
):
    with django_capture_on_commit_callbacks():  # committed; no worker has picked it up yet
        cancel_subscription(account=account, cause=by_api)
    event = TriggerEvent.objects.get(account=account, kind="subscription_cancelled")
    assert engine.match_trigger_event(event.pk) == 1
    assert engine.match_trigger_event(event.pk) == 0  # matching again starts nothing
    [run] = runs_of("e3-churn", account)
    assert run.status == RunStatus.QUEUED

    first = deliver(lambda: tasks.execute_run(run.pk))
    after_first = footprint(account)
    second = deliver(lambda: tasks.execute_run(run.pk))

    assert (first, second) == (RunStatus.SUCCEEDED, RunStatus.SUCCEEDED)
    assert footprint(account) == after_first
    assert run.results.count() == 4
    assert len(emails_to(contact.email)) == 1


# --- failures and retries -----------------------------------------------------


def test_a_failing_step_is_retried_after_a_back_off_and_then_succeeds(
    deliver, frozen_time, monkeypatch, account, contact, csm, by_api
):
    calls = watch_action(
        monkeypatch, "send_email", fail=RuntimeError("SMTP pool exhausted"), when=first_call
    )

    deliver(lambda: cancel_subscription(account=account, cause=by_api))

    [run] = runs_of("e3-churn", account)
    assert (run.status, run.attempts, run.next_step) == (RunStatus.QUEUED, 1, 2)
    assert run.due_at == NOW + retry_delay(1)
    assert run.last_error == "Step 3 (send_email): RuntimeError('SMTP pool exhausted')"
    failed = run.results.get(position=2)
    assert (failed.outcome, failed.attempts) == (StepOutcome.FAILED, 1)
    assert stage(account, "subscription") == "Churned"  # steps 1 and 2 stay done

    frozen_time.shift(retry_delay(1) - timedelta(seconds=10))
    assert deliver(engine.resume_due_runs)["due"] == 0
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED
    assert emails_to(contact.email) == []

    frozen_time.shift(timedelta(seconds=20))
    assert deliver(engine.resume_due_runs)["finished"] == 1

    run.refresh_from_db()
    assert (run.status, run.attempts, run.last_error) == (RunStatus.SUCCEEDED, 0, "")
    retried = run.results.get(position=2)
    assert (retried.outcome, retried.attempts, retried.error) == (StepOutcome.DONE, 2, "")
    assert len(calls) == 2
    assert account.stage_moves.count() == 1
    assert [e.subject for e in emails_to(contact.email)] == ["We're sorry to see you go"]
    assert inbox(csm) == [f"Churned: {account.name}"]


def test_a_refused_step_fails_the_run_at_once_and_a_manager_can_retry_it(
    deliver, frozen_time, monkeypatch, account, contact, by_api
):
    refusal = ValidationError("There is no message template.")
    watch_action(monkeypatch, "send_email", fail=refusal, when=first_call)

    deliver(lambda: cancel_subscription(account=account, cause=by_api))

    [run] = runs_of("e3-churn", account)
    assert (run.status, run.attempts, run.finished_at) == (RunStatus.FAILED, 1, NOW)
    assert run.last_error == "Step 3 (send_email): There is no message template."
    frozen_time.shift(timedelta(hours=3))
    deliver(engine.resume_due_runs)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED  # a refusal is not retried by itself

    assert deliver(lambda: engine.retry_run(run=run)) is True

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert account.stage_moves.count() == 1
    assert len(emails_to(contact.email)) == 1
    assert engine.retry_run(run=run) is False  # only a failed run can be retried


# --- waits, switches and edits ------------------------------------------------


def test_a_wait_step_parks_the_run_until_its_delay_has_passed(
    deliver, frozen_time, account, manager, by_manager
):
    build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)

    deliver(lambda: upgrade(account, by_manager))

    [run] = runs_of("upgrade-check-in", account)
    assert (run.status, run.due_at, run.next_step) == (
        RunStatus.WAITING,
        NOW + timedelta(days=1),
        2,
    )
    assert tag_names(account) == {"Upgraded"}

    frozen_time.shift(timedelta(hours=23))
    deliver(engine.resume_due_runs)
    assert tag_names(account) == {"Upgraded"}

    frozen_time.shift(timedelta(hours=1, minutes=1))
    deliver(engine.resume_due_runs)

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert tag_names(account) == {"Upgraded", "Upgrade check-in due"}


@pytest.mark.parametrize(
    ("step", "error"),
    [
        (("wait", {"days": 999999999}), "Step 2 (wait): `days` is from 0 to 365."),
        (("wait", {"days": True}), "Step 2 (wait): `days` is a whole number, not true."),
        (
            ("send_email", {"template": "e3-winback", "throttle_days": "abc"}),
            'Step 2 (send_email): `throttle_days` is a whole number, not "abc".',
        ),
        (("launch_rocket", {}), "Step 2 (launch_rocket): There is no such action."),
        (("add_tag", ["VIP"]), "Step 2 (add_tag): Parameters are a JSON object."),
    ],
)
def test_a_stored_step_with_bad_parameters_fails_its_run_once_with_the_reason(
    deliver, frozen_time, account, manager, by_manager, step, error
):
    # A version saved before its parameters were checked (or edited in the database).
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    version = workflow.versions.get()
    action, params = step
    version.steps[1] = {"action": action, "params": params}
    version.save()

    deliver(lambda: upgrade(account, by_manager))

    [run] = runs_of("upgrade-check-in", account)
    assert (run.status, run.attempts, run.finished_at) == (RunStatus.FAILED, 1, NOW)
    assert run.last_error == error
    assert list(run.results.values_list("position", "outcome", "error")) == [
        ("0", StepOutcome.DONE, ""),
        ("1", StepOutcome.FAILED, error.split(": ", 1)[1]),
    ]
    for _ in range(3):  # past the stuck-run release and every back-off: left alone
        frozen_time.shift(engine.STUCK_AFTER + timedelta(hours=2))
        deliver(engine.resume_due_runs)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.last_error) == (RunStatus.FAILED, 1, error)
    assert tag_names(account) == {"Upgraded"}


def test_a_workflow_switched_off_starts_no_run_until_it_is_switched_on(deliver, account, contact):
    receipt = Workflow.objects.get(key="e1-payment-succeeded")

    assert set_active(workflow=receipt, active=False) is True
    deliver(lambda: paid(account, "ch_1"))

    assert runs_of("e1-payment-succeeded", account) == []
    account.refresh_from_db()
    assert (account.score, stage(account, "subscription")) == (0, None)
    assert emails_to(contact.email) == []

    assert set_active(workflow=receipt, active=True) is True
    deliver(lambda: paid(account, "ch_2"))

    assert [run.status for run in runs_of("e1-payment-succeeded", account)] == [RunStatus.SUCCEEDED]


def test_an_edited_message_template_words_the_next_email_with_no_code_change(
    deliver, account, contact, by_api
):
    winback = MessageTemplate.objects.get(key="e3-winback")
    winback.body_text = "Hi {{ recipient.first_name }}, the door at {{ company.name }} stays open."
    winback.full_clean()
    winback.save()

    deliver(lambda: cancel_subscription(account=account, cause=by_api))

    [email] = emails_to(contact.email)
    edited, footer = email.body.split("\n\n")
    assert edited == "Hi Jordan, the door at Example SaaS stays open."
    assert footer.startswith("Need something? Ask us: ")  # every customer e-mail has it


def test_an_edited_and_published_step_is_version_2_while_a_waiting_run_keeps_version_1(
    deliver, frozen_time, account, manager, by_manager
):
    workflow = build_workflow("upgrade-check-in", "plan_changed", UPGRADE_STEPS, user=manager)
    deliver(lambda: upgrade(account, by_manager))
    [waiting] = runs_of("upgrade-check-in", account)

    Step.objects.filter(workflow=workflow, position=2).update(params={"tag": "Check-in booked"})
    version = publish(workflow=workflow, user=manager)

    assert version.number == 2
    workflow.refresh_from_db()
    assert workflow.current_version == version
    frozen_time.shift(timedelta(days=1, minutes=1))
    deliver(engine.resume_due_runs)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.version.number) == (RunStatus.SUCCEEDED, 1)
    assert tag_names(account) == {"Upgraded", "Upgrade check-in due"}

    deliver(lambda: upgrade(account, by_manager, Plan.BUSINESS))
    frozen_time.shift(timedelta(days=1, minutes=1))
    deliver(engine.resume_due_runs)

    newer = runs_of("upgrade-check-in", account)[-1]
    assert (newer.status, newer.version.number) == (RunStatus.SUCCEEDED, 2)
    assert tag_names(account) == {"Upgraded", "Upgrade check-in due", "Check-in booked"}


# --- the loop guard -----------------------------------------------------------


def test_a_workflow_that_retriggers_itself_stops_beyond_the_maximum_depth(
    deliver, monkeypatch, account, manager, by_manager
):
    # Each run takes "Ping" off and puts it back on: a new tag_added event every time.
    # Should the guard not hold, the test's own breaker stops the loop (and the test fails).
    watch_action(
        monkeypatch,
        "remove_tag",
        fail=RuntimeError("runaway loop"),
        when=lambda number: number > 2 * engine.MAX_DEPTH,
    )
    build_workflow(
        "ping",
        "tag_added",
        [("remove_tag", {"tag": "Ping"}), ("add_tag", {"tag": "Ping"})],
        user=manager,
    )

    deliver(lambda: add_tag(account=account, tag="Ping", cause=by_manager))

    events = list(TriggerEvent.objects.filter(account=account, kind="tag_added").order_by("depth"))
    assert [event.depth for event in events] == list(range(engine.MAX_DEPTH + 2))
    assert all(event.processed_at for event in events)
    started = Run.objects.filter(workflow__key="ping").values_list("event__depth", flat=True)
    assert sorted(started) == list(range(engine.MAX_DEPTH + 1))
    assert not events[-1].runs.exists()


def test_a_step_retried_after_its_run_lost_the_failure_counters_still_completes(
    deliver, frozen_time, monkeypatch, account, contact, by_api
):
    """A run released as stuck may keep its failed step's row but not the run's count
    of attempts: the retry must still record the step done, not trip over that row."""
    watch_action(monkeypatch, "send_email", fail=RuntimeError("SMTP down"), when=first_call)
    deliver(lambda: cancel_subscription(account=account, cause=by_api))
    [run] = runs_of("e3-churn", account)
    Run.objects.filter(pk=run.pk).update(attempts=0, last_error="", due_at=NOW)

    assert deliver(lambda: engine.execute_run(run.pk)) == RunStatus.SUCCEEDED

    done = run.results.get(position=2)
    assert done.outcome == StepOutcome.DONE
    assert len(emails_to(contact.email)) == 1
