"""Sweep d1: accounts with no login for 7 days, reported once per inactive spell."""

from datetime import timedelta

import pytest

from accounts.models import Lifecycle
from activity.models import Task
from activity.services.logins import record_login
from tests.factories import AccountFactory
from tests.sweeps.conftest import NOW
from tests.sweeps.helpers import emails_to, event_keys, events, footprint, inbox, stage, tag_names
from workflows import engine
from workflows.models import RunStatus, SweepRules
from workflows.sweeps import inactive_accounts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

KIND = "account_inactive"


def logged_in(account, when, by_api):
    record_login(account=account, occurred_at=when, cause=by_api)
    account.refresh_from_db()
    return account


def test_an_account_without_a_login_for_more_than_seven_days_is_reported_once(account, by_api):
    last_login = NOW - timedelta(days=8)
    logged_in(account, last_login, by_api)

    assert inactive_accounts() == 1

    [event] = events(KIND, account)
    assert event.event_key == f"{account.pk}:{last_login.isoformat()}"
    assert event.data == {"days_inactive": 8, "never_logged_in": False}
    assert event.processed_at is None  # the engine matches it after commit


def test_a_second_run_now_or_later_in_the_same_spell_records_nothing(account, by_api, frozen_time):
    logged_in(account, NOW - timedelta(days=8), by_api)
    assert inactive_accounts() == 1

    assert inactive_accounts() == 0
    frozen_time.shift(timedelta(hours=1))
    assert inactive_accounts() == 0
    frozen_time.shift(timedelta(days=20))
    assert inactive_accounts() == 0

    assert len(events(KIND, account)) == 1


def test_seven_days_is_the_line_a_spell_must_cross(csm, by_api):
    just_inside = logged_in(AccountFactory(owner=csm), NOW - timedelta(days=7), by_api)
    just_over = logged_in(AccountFactory(owner=csm), NOW - timedelta(days=7, minutes=1), by_api)

    assert inactive_accounts() == 1

    assert events(KIND, just_inside) == []
    assert len(events(KIND, just_over)) == 1


def test_recent_logins_churned_accounts_and_new_sign_ups_are_not_reported(csm, by_api):
    recent = logged_in(AccountFactory(owner=csm), NOW - timedelta(days=6), by_api)
    churned = logged_in(
        AccountFactory(owner=csm, lifecycle=Lifecycle.CHURNED), NOW - timedelta(days=30), by_api
    )
    new_sign_up = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=3))
    old_login_recent_return = logged_in(AccountFactory(owner=csm), NOW - timedelta(days=40), by_api)
    logged_in(old_login_recent_return, NOW - timedelta(hours=2), by_api)

    assert inactive_accounts() == 0

    for account in (recent, churned, new_sign_up, old_login_recent_return):
        assert events(KIND, account) == []


def test_an_account_that_never_logged_in_counts_from_its_sign_up(csm):
    never = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=10))

    assert inactive_accounts() == 1

    [event] = events(KIND, never)
    assert event.event_key == f"{never.pk}:{never.signed_up_at.isoformat()}"
    assert event.data == {"days_inactive": 10, "never_logged_in": True}


def test_a_login_then_seven_more_quiet_days_start_a_new_spell(account, by_api, frozen_time):
    logged_in(account, NOW - timedelta(days=8), by_api)
    assert inactive_accounts() == 1

    frozen_time.shift(timedelta(days=1))
    came_back = NOW + timedelta(days=1)
    logged_in(account, came_back, by_api)
    assert inactive_accounts() == 0

    frozen_time.shift(timedelta(days=6, hours=23))  # 6 days 23 hours after the login
    assert inactive_accounts() == 0

    frozen_time.shift(timedelta(hours=2))  # 7 days 1 hour after it
    assert inactive_accounts() == 1

    assert event_keys(KIND, account) == [
        f"{account.pk}:{(NOW - timedelta(days=8)).isoformat()}",
        f"{account.pk}:{came_back.isoformat()}",
    ]
    assert inactive_accounts() == 0


def test_a_login_reported_late_still_starts_a_new_spell(account, by_api, frozen_time):
    """The product may report a login after the fact (a retried webhook): one that
    happened just before the inactivity report clears it, and its own quiet week
    must be reported in turn."""
    logged_in(account, NOW - timedelta(days=8), by_api)
    assert inactive_accounts() == 1
    frozen_time.shift(timedelta(hours=1))
    late = NOW - timedelta(hours=1)  # happened before the report, arrives after it
    logged_in(account, late, by_api)

    frozen_time.move_to(late + timedelta(days=7, hours=1))

    assert inactive_accounts() == 1
    assert event_keys(KIND, account)[-1] == f"{account.pk}:{late.isoformat()}"


def test_the_inactivity_period_is_read_from_the_sweep_rules(account, by_api):
    SweepRules.objects.update_or_create(pk=1, defaults={"inactivity_days": 14})
    logged_in(account, NOW - timedelta(days=10), by_api)

    assert inactive_accounts() == 0

    SweepRules.objects.filter(pk=1).update(inactivity_days=9)
    assert inactive_accounts() == 1


# --- end to end: the default d1 workflow ---------------------------------------------


def test_the_d1_playbook_tags_moves_the_card_emails_the_customer_and_alerts_the_owner(
    deliver, account, contact, csm, manager, by_api
):
    deliver(lambda: logged_in(account, NOW - timedelta(days=9), by_api))

    deliver(inactive_accounts)

    [run] = account.workflow_runs.filter(workflow__key="d1-inactive")
    # Then it waits for the customer to log in again (its goal), at most 14 days.
    assert (run.status, run.waiting_for) == (RunStatus.WAITING, "login_recorded")
    assert tag_names(account) == {"Inactive"}
    assert stage(account, "login_activity") == "Inactive"
    [email] = emails_to(contact.email)
    assert "9 days" in email.body
    assert inbox(csm) == [f"Inactive: {account.name}"]
    assert inbox(manager) == []

    before = footprint(account)
    deliver(inactive_accounts)
    assert footprint(account) == before


def test_a_login_after_the_d1_email_reaches_its_goal_and_no_task_is_opened(
    deliver, frozen_time, account, contact, csm, by_api
):
    deliver(lambda: logged_in(account, NOW - timedelta(days=9), by_api))
    deliver(inactive_accounts)

    frozen_time.shift(timedelta(days=2))
    deliver(lambda: logged_in(account, NOW + timedelta(days=2), by_api))

    [run] = account.workflow_runs.filter(workflow__key="d1-inactive")
    assert run.status == RunStatus.GOAL_REACHED
    frozen_time.shift(timedelta(days=20))
    deliver(inactive_accounts)  # still active: nothing due
    assert not Task.objects.filter(account=account).exists()


def test_no_login_within_14_days_of_the_d1_email_opens_a_task_for_the_owner(
    deliver, frozen_time, account, contact, csm, by_api
):
    deliver(lambda: logged_in(account, NOW - timedelta(days=9), by_api))
    deliver(inactive_accounts)

    frozen_time.shift(timedelta(days=14, minutes=1))
    deliver(engine.resume_due_runs)

    [run] = account.workflow_runs.filter(workflow__key="d1-inactive")
    assert run.status == RunStatus.SUCCEEDED
    [task] = Task.objects.filter(account=account)
    assert task.title == f"Call {account.name}: no login since the re-engagement e-mail"
    assert task.assignee == csm

    deliver(engine.resume_due_runs)
    assert Task.objects.filter(account=account).count() == 1


def test_a_second_inactive_spell_runs_the_playbook_again_after_the_return_cleared_it(
    deliver, frozen_time, account, contact, csm, by_api
):
    deliver(lambda: logged_in(account, NOW - timedelta(days=8), by_api))
    deliver(inactive_accounts)
    assert tag_names(account) == {"Inactive"}

    frozen_time.shift(timedelta(days=2))
    deliver(lambda: logged_in(account, NOW + timedelta(days=2), by_api))
    assert tag_names(account) == set()
    assert stage(account, "login_activity") == "Active"

    frozen_time.shift(timedelta(days=8))
    deliver(inactive_accounts)

    assert tag_names(account) == {"Inactive"}
    assert stage(account, "login_activity") == "Inactive"
    assert len(emails_to(contact.email)) == 2
    assert inbox(csm) == [f"Inactive: {account.name}"] * 2
