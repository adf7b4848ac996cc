"""Sweep h1: accounts at the affiliate threshold; one alert per account per 60 days."""

from datetime import timedelta

import pytest

from accounts.models import Lifecycle
from core.causes import Cause
from scoring.models import ScoreSource, ScoringRules
from scoring.services import add_points
from tests.factories import AccountFactory
from tests.sweeps.helpers import emails_to, event_keys, events, footprint, inbox
from workflows.models import RunStatus
from workflows.sweeps import affiliate_candidates

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

KIND = "affiliate_qualified"


def scored(account, points):
    add_points(
        account=account,
        points=points,
        reason="usage",
        source=ScoreSource.MANUAL,
        cause=Cause.by_system("test"),
    )
    account.refresh_from_db()
    return account


def test_an_account_at_the_threshold_is_reported_and_one_below_is_not(csm):
    at = scored(AccountFactory(owner=csm), 1200)
    above = scored(AccountFactory(owner=csm), 1500)
    below = scored(AccountFactory(owner=csm), 1199)

    assert affiliate_candidates() == 2

    assert [e.data for e in events(KIND, at)] == [{"score": 1200, "threshold": 1200}]
    assert [e.data for e in events(KIND, above)] == [{"score": 1500, "threshold": 1200}]
    assert events(KIND, below) == []


def test_a_churned_account_is_not_invited_whatever_its_score(csm):
    churned = scored(AccountFactory(owner=csm, lifecycle=Lifecycle.CHURNED), 2000)

    assert affiliate_candidates() == 0
    assert events(KIND, churned) == []


def test_the_threshold_is_read_from_the_scoring_rules(account):
    scored(account, 600)
    assert affiliate_candidates() == 0

    ScoringRules.objects.update_or_create(pk=1, defaults={"affiliate_threshold": 500})

    assert affiliate_candidates() == 1


def test_a_second_run_now_or_later_within_60_days_records_nothing(account, frozen_time):
    scored(account, 1300)
    assert affiliate_candidates() == 1

    assert affiliate_candidates() == 0
    frozen_time.shift(timedelta(days=30))
    assert affiliate_candidates() == 0
    frozen_time.shift(timedelta(days=29, hours=23, minutes=59))
    assert affiliate_candidates() == 0

    assert len(events(KIND, account)) == 1


def test_a_qualified_account_is_reported_again_after_60_days(account, frozen_time):
    scored(account, 1300)
    assert affiliate_candidates() == 1

    frozen_time.shift(timedelta(days=60, minutes=1))

    assert affiliate_candidates() == 1
    assert affiliate_candidates() == 0
    first, second = event_keys(KIND, account)
    assert first != second


def test_an_account_that_fell_below_the_threshold_is_not_reported_again(account, frozen_time):
    scored(account, 1300)
    assert affiliate_candidates() == 1
    scored(account, -200)

    frozen_time.shift(timedelta(days=61))

    assert affiliate_candidates() == 0


# --- end to end: the default h1 workflow ---------------------------------------------


def test_the_h1_playbook_invites_the_customer_and_alerts_the_affiliate_manager(
    deliver, account, contact, csm, affiliate_manager
):
    scored(account, 1250)

    deliver(affiliate_candidates)

    [run] = account.workflow_runs.filter(workflow__key="h1-affiliate-invitation")
    assert run.status == RunStatus.SUCCEEDED
    [invitation] = emails_to(contact.email)
    assert "affiliate program" in invitation.subject
    assert inbox(affiliate_manager) == [f"Affiliate candidate: {account.name}"]
    # The owner hears of the milestones the points reached, not of the affiliate check.
    assert not [title for title in inbox(csm) if title.startswith("Affiliate")]

    before = footprint(account)
    deliver(affiliate_candidates)
    assert footprint(account) == before
