"""Playbook b1: a manager changes the health status by hand."""

import pytest

from accounts.models import HealthStatus
from accounts.services import change_health_status
from pipelines.models import StageMove
from tests.workflows.outcomes import (
    customer_messages,
    emails_to,
    footprint,
    runs_of,
    stage,
    tag_names,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

# In the order a manager might walk an account down the board.
STATUSES = [
    HealthStatus.THRIVING,
    HealthStatus.HEALTHY,
    HealthStatus.STEADY,
    HealthStatus.STRUGGLING,
]


def test_each_health_status_replaces_the_last_tag_moves_the_card_and_writes_in_its_tone(
    deliver, account, contact, by_manager
):
    previous = None
    for status in STATUSES:
        deliver(
            lambda status=status: change_health_status(
                account=account, status=status, cause=by_manager
            )
        )

        label = HealthStatus(status).label
        assert tag_names(account) == {label}, f"after {label}, {previous} is gone"
        assert stage(account, "health") == label
        [message] = customer_messages(account, f"b1-health-{status}")
        assert (message.recipient, message.status) == ("jordan@acme.example", "sent")
        previous = label

    e_mails = emails_to("jordan@acme.example")
    assert len(e_mails) == len(STATUSES)
    struggling = e_mails[-1]
    assert struggling.subject == "We'd like to help, today if possible"
    assert "We'll get back to you today." in struggling.body
    assert "Book a call for today" in struggling.body


def test_setting_the_same_status_again_changes_nothing(deliver, account, contact, by_manager):
    def set_struggling():
        return change_health_status(
            account=account, status=HealthStatus.STRUGGLING, cause=by_manager
        )

    deliver(set_struggling)
    before = footprint(account)

    deliver(set_struggling)

    assert footprint(account) == before
    assert tag_names(account) == {"Struggling"}


# --- the card follows at once, the playbook adds the rest (#16 item 3) ------------------


def test_the_card_moves_with_the_status_before_any_worker_runs(account, contact, by_manager):
    # No `deliver`: nothing after commit runs, as when the workers are busy or stopped.
    change_health_status(account=account, status=HealthStatus.STRUGGLING, cause=by_manager)

    assert stage(account, "health") == "Struggling"
    [move] = StageMove.objects.filter(account=account, pipeline__key="health")
    assert (move.cause_user, move.to_stage.name) == (by_manager.user, "Struggling")
    assert tag_names(account) == set(), "the tag is the playbook's, later"
    assert customer_messages(account, "b1-health-struggling") == []


def test_the_playbook_then_adds_tag_and_message_and_does_not_move_the_card_again(
    deliver, account, contact, by_manager
):
    deliver(
        lambda: change_health_status(
            account=account, status=HealthStatus.STRUGGLING, cause=by_manager
        )
    )

    assert StageMove.objects.filter(account=account, pipeline__key="health").count() == 1
    assert tag_names(account) == {"Struggling"}
    [message] = customer_messages(account, "b1-health-struggling")
    assert message.status == "sent"
    [run] = runs_of("b1-health-struggling", account)
    move_step = run.results.get(position=1)
    assert move_step.detail == "Card already in Customer Health Status › Struggling."


def test_a_late_run_of_an_older_change_never_moves_the_card_back(
    frozen_time, django_capture_on_commit_callbacks, account, contact, by_manager
):
    # Two changes before any worker gets to them; then the queue drains, oldest first.
    with django_capture_on_commit_callbacks() as queued:
        change_health_status(account=account, status=HealthStatus.STRUGGLING, cause=by_manager)
    frozen_time.shift(60)
    with django_capture_on_commit_callbacks() as queued_too:
        change_health_status(account=account, status=HealthStatus.THRIVING, cause=by_manager)
    assert stage(account, "health") == "Thriving"

    frozen_time.shift(60)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in [*queued, *queued_too]:
            callback()

    assert stage(account, "health") == "Thriving"
    assert StageMove.objects.filter(account=account, pipeline__key="health").count() == 2
    assert tag_names(account) == {"Thriving"}
    [older] = [run for run in runs_of("b1-health-struggling", account) if run.status != "skipped"]
    assert older.results.get(position=1).detail == (
        "Card left in Customer Health Status › Thriving: "
        "it was moved there after this run's trigger."
    )
