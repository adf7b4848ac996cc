"""Playbook c1: one session in a feature lasts 7 minutes or more."""

from datetime import timedelta

import pytest

from activity.services.features import record_feature_session
from scoring.models import ScoreSource, ScoringRules
from tests.workflows.conftest import NOW
from tests.workflows.outcomes import (
    customer_messages,
    emails_to,
    footprint,
    runs_of,
    tag_names,
)
from workflows.models import RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

TIPS = "c1-feature-tips"


def session(account, cause, minutes, started_at, feature="reports"):
    """A session as the SaaS product reports it (the Reports feature, 50 points by default)."""
    return record_feature_session(
        account=account, feature=feature, minutes=minutes, started_at=started_at, cause=cause
    )


def test_seven_minutes_in_a_feature_tags_scores_and_sends_tips_once(
    deliver, account, contact, by_api
):
    started = NOW - timedelta(minutes=10)

    deliver(lambda: session(account, by_api, 7, started))

    assert tag_names(account) == {"Active on Reports"}
    account.refresh_from_db()
    assert account.score == 50
    [entry] = account.score_entries.all()
    assert (entry.points, entry.source, entry.reason) == (
        50,
        ScoreSource.FEATURE,
        "7.0 min in Reports",
    )
    [tips] = emails_to("jordan@acme.example")
    assert tips.subject == "A few tips for Reports"

    before = footprint(account)
    deliver(lambda: session(account, by_api, 7, started))  # the same session reported again

    assert footprint(account) == before


def test_a_second_long_session_within_30_days_scores_again_but_sends_no_second_tips(
    deliver, frozen_time, account, contact, by_api
):
    deliver(lambda: session(account, by_api, 9, NOW - timedelta(minutes=10)))
    frozen_time.shift(timedelta(days=12))

    deliver(lambda: session(account, by_api, 8, NOW + timedelta(days=12, minutes=-10)))

    account.refresh_from_db()
    assert account.score == 100
    assert len(customer_messages(account, TIPS)) == 1
    assert len(emails_to("jordan@acme.example")) == 1
    first, second = runs_of("c1-feature-engaged", account)
    assert (first.status, second.status) == (RunStatus.SUCCEEDED, RunStatus.SUCCEEDED)
    tips_step = second.results.get(position=2)
    assert tips_step.detail == "Skipped: c1-feature-tips already sent on 2025-09-01 (reports)."


def test_tips_for_a_feature_go_out_again_after_30_days_and_other_features_get_their_own(
    deliver, frozen_time, account, contact, by_api
):
    deliver(lambda: session(account, by_api, 9, NOW - timedelta(minutes=10)))
    deliver(lambda: session(account, by_api, 9, NOW - timedelta(minutes=5), "dashboards"))
    frozen_time.shift(timedelta(days=31))

    deliver(lambda: session(account, by_api, 8, NOW + timedelta(days=31, minutes=-10)))

    assert [e.subject for e in emails_to("jordan@acme.example")] == [
        "A few tips for Reports",
        "A few tips for Dashboards",
        "A few tips for Reports",
    ]
    assert tag_names(account) == {"Active on Reports", "Active on Dashboards"}


def test_a_five_minute_session_does_nothing_and_the_run_says_why(deliver, account, contact, by_api):
    deliver(lambda: session(account, by_api, 5, NOW - timedelta(minutes=10)))

    [run] = runs_of("c1-feature-engaged", account)
    assert run.status == RunStatus.SKIPPED
    # The session length comes from the scoring rules (7 minutes by default).
    assert run.decisions == [
        {
            "subject": "data.long_enough",
            "operator": "eq",
            "value": "True",
            "seen": False,
            "passed": False,
        }
    ]
    assert not run.results.exists()
    account.refresh_from_db()
    assert (tag_names(account), account.score, len(emails_to("jordan@acme.example"))) == (
        set(),
        0,
        0,
    )


def test_the_session_length_set_in_the_scoring_rules_decides_what_counts(
    deliver, account, contact, by_api
):
    # SPEC §4: 7 minutes is a default, "configurable in admin" (ScoringRules).
    ScoringRules.objects.update_or_create(pk=1, defaults={"feature_session_minutes": 10})

    deliver(lambda: session(account, by_api, 8, NOW - timedelta(minutes=10)))

    account.refresh_from_db()
    assert account.score == 0
    assert tag_names(account) == set()
