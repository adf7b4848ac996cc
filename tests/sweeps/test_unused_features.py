"""Sweep c2: a feature not used within its own timeframe; one nudge per account
and feature per 45 days."""

from datetime import timedelta

import pytest

from accounts.models import Lifecycle
from activity.services.features import record_feature_session
from notifications.digests import send_due_digests
from notifications.models import Alert
from tests.factories import AccountFactory, FeatureFactory
from tests.sweeps.conftest import NOW
from tests.sweeps.helpers import emails_to, event_keys, events, footprint, inbox
from workflows.models import RunStatus, TriggerEvent
from workflows.sweeps import only_for, unused_features

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_time", "no_starter_features"),
]

KIND = "feature_not_used"


@pytest.fixture
def reports():
    return FeatureFactory(key="report-builder", name="Report builder", not_used_days=14)


def used(account, feature, when, by_api):
    record_feature_session(
        account=account, feature=feature, minutes=3, started_at=when, cause=by_api
    )


def test_an_account_that_never_used_a_feature_is_nudged(account, reports):
    assert unused_features() == 1

    [event] = events(KIND, account)
    assert event.event_key.startswith(f"report-builder:{account.pk}:")
    assert event.data == {
        "feature_key": "report-builder",
        "feature_name": "Report builder",
        "days_unused": 90,  # since sign-up
        "never_used": True,
    }
    assert event.data["never_used"] is True  # a JSON boolean, on every database


def test_a_feature_last_used_before_its_timeframe_is_nudged_with_the_days_since(
    account, reports, by_api
):
    used(account, reports, NOW - timedelta(days=20), by_api)

    assert unused_features() == 1

    [event] = events(KIND, account)
    assert (event.data["days_unused"], event.data["never_used"]) == (20, False)
    assert event.data["never_used"] is False


def test_use_within_the_timeframe_churn_a_young_account_or_a_retired_feature_mean_no_nudge(
    csm, reports, by_api
):
    recent_user = AccountFactory(owner=csm)
    used(recent_user, reports, NOW - timedelta(days=13), by_api)
    churned = AccountFactory(owner=csm, lifecycle=Lifecycle.CHURNED)
    too_young = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=10))
    FeatureFactory(key="legacy-export", name="Legacy export", not_used_days=7, is_active=False)

    assert unused_features() == 0

    for account in (recent_user, churned, too_young):
        assert events(KIND, account) == []


def test_each_feature_is_judged_by_its_own_timeframe(account, reports, by_api):
    automations = FeatureFactory(key="auto-rules", name="Auto rules", not_used_days=30)
    used(account, reports, NOW - timedelta(days=20), by_api)
    used(account, automations, NOW - timedelta(days=20), by_api)

    assert unused_features() == 1

    assert [e.data["feature_key"] for e in events(KIND, account)] == ["report-builder"]


def test_a_second_run_now_or_later_within_45_days_records_nothing(account, reports, frozen_time):
    assert unused_features() == 1

    assert unused_features() == 0
    frozen_time.shift(timedelta(days=10))
    assert unused_features() == 0
    frozen_time.shift(timedelta(days=34, hours=23))  # 44 days 23 hours after the nudge
    assert unused_features() == 0

    assert len(events(KIND, account)) == 1


def test_the_same_account_and_feature_are_nudged_again_after_45_days(account, reports, frozen_time):
    assert unused_features() == 1

    frozen_time.shift(timedelta(days=45, minutes=1))
    assert unused_features() == 1
    assert unused_features() == 0

    first, second = event_keys(KIND, account)
    assert first != second
    assert all(key.startswith(f"report-builder:{account.pk}:") for key in (first, second))


def test_a_feature_used_since_the_nudge_is_not_nudged_again(account, reports, frozen_time, by_api):
    assert unused_features() == 1
    frozen_time.shift(timedelta(days=40))
    used(account, reports, NOW + timedelta(days=40), by_api)

    frozen_time.shift(timedelta(days=5))

    assert unused_features() == 0


def test_a_nudge_for_one_feature_does_not_hold_back_another_feature(
    account, reports, frozen_time, by_api
):
    automations = FeatureFactory(key="auto-rules", name="Auto rules", not_used_days=14)
    used(account, automations, NOW - timedelta(days=10), by_api)
    assert unused_features() == 1  # the report builder only

    frozen_time.shift(timedelta(days=5))  # automations now unused for 15 days

    assert unused_features() == 1
    assert [e.data["feature_key"] for e in events(KIND, account)] == [
        "report-builder",
        "auto-rules",
    ]


# --- end to end: the default c2 workflow ---------------------------------------------


def test_the_c2_playbook_emails_the_customer_and_alerts_every_team_member_in_a_daily_digest(
    deliver, account, contact, csm, manager, affiliate_manager, reports, frozen_time
):
    deliver(unused_features)  # at 09:00 UTC: the digest goes at 08:00 tomorrow

    [run] = account.workflow_runs.filter(workflow__key="c2-feature-nudge")
    assert run.status == RunStatus.SUCCEEDED
    [email] = emails_to(contact.email)
    assert email.subject == "Getting started with Report builder"
    assert inbox(csm) == inbox(manager) == []  # held for the digest
    frozen_time.move_to(NOW + timedelta(hours=23))
    deliver(send_due_digests)
    digest = "Feature not used: 1 alert"
    assert inbox(csm) == inbox(manager) == [digest]
    alert = f"{account.name} hasn't used Report builder"
    assert Alert.objects.get(user=csm).body == alert
    assert inbox(affiliate_manager) == []  # not a CS team member

    before = footprint(account)
    deliver(unused_features)
    frozen_time.shift(timedelta(days=43))
    deliver(unused_features)
    frozen_time.shift(timedelta(hours=23, minutes=59))
    deliver(unused_features)
    deliver(send_due_digests)
    assert footprint(account) == before

    frozen_time.shift(timedelta(hours=1, minutes=2))  # 45 days and a minute after the nudge
    deliver(unused_features)
    assert len(emails_to(contact.email)) == 2
    frozen_time.shift(timedelta(days=1))
    deliver(send_due_digests)
    assert inbox(csm) == [digest, digest]


@pytest.mark.parametrize("last_use_days_ago", [None, 20, 5], ids=["never", "before", "recently"])
def test_a_sweep_for_one_account_records_what_the_whole_sweep_records_day_after_day(
    frozen_time, account, reports, by_api, last_use_days_ago
):
    """The simulator sweeps one account (only_for), which reads the rule in Python before
    the INSERT: day by day it records exactly what the whole sweep records for it."""
    if last_use_days_ago is not None:
        used(account, reports, NOW - timedelta(days=last_use_days_ago), by_api)
    AccountFactory()  # someone the whole sweep nudges too
    seen = {}
    for scoped in (True, False):
        TriggerEvent.objects.filter(kind=KIND).delete()
        frozen_time.move_to(NOW)
        seen[scoped] = []
        for _ in range(60):
            frozen_time.shift(timedelta(days=1))
            if scoped:
                with only_for([account.pk]):
                    unused_features()
            else:
                unused_features()
            seen[scoped].append(sorted(event_keys(KIND, account)))

    assert seen[True] == seen[False]
    assert len(seen[True][-1]) == 2  # nudged, and again once the 45 days had passed
