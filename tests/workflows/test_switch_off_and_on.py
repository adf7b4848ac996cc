"""Switching a time-based workflow off and on again (#19): what became due meanwhile is
reported, and a manager chooses to catch up or skip; the choice is recorded. End to end
on a frozen clock: the sweep's task in, runs and tags out, as after commit."""

from datetime import timedelta

import pytest

from accounts.services import add_tag
from core.causes import Cause
from tests.factories import AccountFactory
from tests.workflows.conftest import NOW
from tests.workflows.dated import date_workflow, tag
from tests.workflows.outcomes import footprint, tag_names
from workflows import backlogs, tasks
from workflows.models import Run, RunStatus, Step, SweepBacklog, Workflow
from workflows.services import publish, set_active

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


@pytest.fixture(autouse=True)
def _only_these_workflows(db):
    Workflow.objects.update(is_active=False)


@pytest.fixture
def nudge(db) -> Workflow:
    """A time-based workflow: accounts without a login for 7 days get a tag."""
    made = Workflow.objects.create(key="quiet", name="Quiet accounts", trigger="account_inactive")
    Step.objects.create(workflow=made, position=0, action="add_tag", params={"tag": "Quiet"})
    publish(workflow=made)
    return made


def inactivity_sweep(deliver) -> int:
    return deliver(lambda: tasks.run_sweep("inactive_accounts"))


def quiet_accounts(n: int) -> list:
    return [AccountFactory(signed_up_at=NOW - timedelta(days=30)) for _ in range(n)]


def off_then_on(deliver, frozen_time, workflow: Workflow, meanwhile) -> SweepBacklog:
    set_active(workflow=workflow, active=False)
    frozen_time.shift(timedelta(hours=1))
    meanwhile()
    frozen_time.shift(timedelta(days=2))
    assert set_active(workflow=workflow, active=True)
    [backlog] = SweepBacklog.objects.filter(workflow=workflow)
    return backlog


def test_switching_on_again_reports_what_became_due_while_it_was_off(deliver, frozen_time, nudge):
    accounts = quiet_accounts(3)
    backlog = off_then_on(deliver, frozen_time, nudge, lambda: inactivity_sweep(deliver))

    assert (backlog.held, backlog.choice, backlog.missed_from) == (3, "", NOW)
    assert all(tag_names(account) == set() for account in accounts)
    assert not Run.objects.filter(workflow=nudge).exists()


def test_catching_up_runs_the_workflow_once_for_each_and_is_recorded(
    deliver, frozen_time, nudge, manager
):
    accounts = quiet_accounts(3)
    backlog = off_then_on(deliver, frozen_time, nudge, lambda: inactivity_sweep(deliver))

    assert deliver(lambda: backlogs.choose(backlog=backlog, choice="all", user=manager))

    assert all(tag_names(account) == {"Quiet"} for account in accounts)
    backlog.refresh_from_db()
    assert (backlog.chosen_by, backlog.released) == (manager, 3)
    assert backlog.finished_at is not None
    before = [footprint(account) for account in accounts]
    deliver(tasks.release_backlogs)
    assert inactivity_sweep(deliver) == 0
    assert [footprint(account) for account in accounts] == before
    assert Run.objects.filter(workflow=nudge, status=RunStatus.SUCCEEDED).count() == 3


def test_skipping_runs_nothing_for_them_and_is_recorded(deliver, frozen_time, nudge, manager):
    accounts = quiet_accounts(2)
    backlog = off_then_on(deliver, frozen_time, nudge, lambda: inactivity_sweep(deliver))

    assert deliver(lambda: backlogs.choose(backlog=backlog, choice="from_now", user=manager))
    deliver(tasks.release_backlogs)

    assert all(tag_names(account) == set() for account in accounts)
    backlog.refresh_from_db()
    assert (backlog.choice, backlog.chosen_by, backlog.released) == ("from_now", manager, 0)
    assert not Run.objects.filter(workflow=nudge).exists()
    # From now on it runs as usual: a new quiet spell is tagged.
    [late] = quiet_accounts(1)
    inactivity_sweep(deliver)
    assert tag_names(late) == {"Quiet"}


def test_catching_up_at_a_rate_starts_that_many_an_hour(deliver, frozen_time, nudge, manager):
    quiet_accounts(3)
    backlog = off_then_on(deliver, frozen_time, nudge, lambda: inactivity_sweep(deliver))

    deliver(lambda: backlogs.choose(backlog=backlog, choice="ramp", per_hour=2, user=manager))
    frozen_time.shift(timedelta(minutes=30))
    deliver(tasks.release_backlogs)
    assert Run.objects.filter(workflow=nudge).count() == 1
    frozen_time.shift(timedelta(hours=1))
    deliver(tasks.release_backlogs)
    assert Run.objects.filter(workflow=nudge).count() == 3


def test_other_workflows_of_the_trigger_keep_their_runs_and_get_none_again(
    deliver, frozen_time, nudge, manager
):
    """The events were matched while `nudge` was off: a workflow on all along ran then."""
    other = Workflow.objects.create(key="quiet-2", name="Also quiet", trigger="account_inactive")
    Step.objects.create(workflow=other, position=0, action="add_tag", params={"tag": "Also"})
    publish(workflow=other)
    [account] = quiet_accounts(1)
    backlog = off_then_on(deliver, frozen_time, nudge, lambda: inactivity_sweep(deliver))
    assert tag_names(account) == {"Also"}

    deliver(lambda: backlogs.choose(backlog=backlog, choice="all", user=manager))

    assert tag_names(account) == {"Also", "Quiet"}
    assert Run.objects.filter(workflow=other).count() == 1


def test_nothing_due_meanwhile_reports_nothing(deliver, frozen_time, nudge):
    set_active(workflow=nudge, active=False)
    frozen_time.shift(timedelta(days=1))
    set_active(workflow=nudge, active=True)
    assert not SweepBacklog.objects.exists()


def test_an_event_driven_workflow_is_not_reported(deliver, frozen_time, manager):
    made = Workflow.objects.create(key="tagged", name="On a tag", trigger="tag_added")
    Step.objects.create(workflow=made, position=0, action="add_tag", params={"tag": "Seen"})
    publish(workflow=made)
    account = AccountFactory()
    set_active(workflow=made, active=False)
    deliver(lambda: add_tag(account=account, tag="VIP", cause=Cause.by_user(manager)))
    set_active(workflow=made, active=True)
    assert not SweepBacklog.objects.exists()


def test_a_date_workflow_off_and_on_catches_up_on_its_schedule(deliver, frozen_time, manager):
    frozen_time.move_to(NOW - timedelta(days=40))
    account = AccountFactory(renewal_date=NOW.date() + timedelta(days=30))
    workflow = date_workflow("renewal-prep", [tag("Renewal in 30 days")], days=30)
    frozen_time.move_to(NOW - timedelta(hours=2))  # off the morning of the trigger day

    backlog = off_then_on(
        deliver, frozen_time, workflow, lambda: deliver(lambda: tasks.run_sweep("date_occurrences"))
    )
    assert backlog.held == 1
    deliver(lambda: backlogs.choose(backlog=backlog, choice="all", user=manager))

    assert tag_names(account) == {"Renewal in 30 days"}
