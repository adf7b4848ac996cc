"""Playbook d1, the way back: a login from an account marked Inactive."""

from datetime import timedelta

import pytest

from accounts.services import add_tag
from activity.services.logins import record_login
from core.causes import Cause
from pipelines.selectors import stage_named
from pipelines.services import move_card
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import footprint, runs_of, stage, tag_names
from workflows.models import RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

BACK = "d1-back-from-inactivity"


def mark_inactive(account):
    """What d1's inactivity sweep leaves behind after 7 days without a login."""
    by_sweep = Cause.by_system("no login for 7 days")
    inactive = stage_named(pipeline="login_activity", stage="Inactive")
    add_tag(account=account, tag="Inactive", cause=by_sweep)
    move_card(account=account, pipeline=inactive.pipeline, stage=inactive, cause=by_sweep)


def test_a_login_after_inactivity_removes_inactive_and_moves_the_card_back_to_active(
    deliver, account, by_api
):
    deliver(lambda: mark_inactive(account))
    assert (tag_names(account), stage(account, "login_activity")) == ({"Inactive"}, "Inactive")
    logged_in_at = NOW - timedelta(minutes=3)

    deliver(lambda: record_login(account=account, occurred_at=logged_in_at, cause=by_api))

    assert [run.status for run in runs_of(BACK, account)] == [RunStatus.SUCCEEDED]
    assert tag_names(account) == set()
    assert stage(account, "login_activity") == "Active"

    before = footprint(account)
    deliver(lambda: record_login(account=account, occurred_at=logged_in_at, cause=by_api))

    assert footprint(account) == before


def test_a_login_from_an_active_account_skips_the_playbook_and_records_why(
    deliver, account, by_api
):
    add_tag(account=account, tag="Active SaaS", cause=Cause.by_system())

    deliver(lambda: record_login(account=account, cause=by_api))

    [run] = runs_of(BACK, account)
    assert run.status == RunStatus.SKIPPED
    assert run.decisions == [
        {
            "subject": "",
            "operator": "has_tag",
            "value": "Inactive",
            "seen": ["active saas"],
            "passed": False,
        }
    ]
    assert stage(account, "login_activity") is None
