"""Sweep b3 catch-up: milestones a score passed without the scoring service (imports)."""

import pytest

from accounts.models import Account, Milestone
from core.causes import Cause
from scoring import signals
from scoring.models import MilestoneAchievement, ScoreSource
from scoring.services import add_points
from tests.factories import AccountFactory
from tests.sweeps.helpers import event_keys, events, footprint, inbox, stage, tag_names
from workflows.models import TriggerEvent
from workflows.sweeps import milestone_catch_up

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

KIND = "milestone_reached"


def imported_score(account, score):
    """A score written straight to the row, as a bulk import or an old data load would."""
    Account.objects.filter(pk=account.pk).update(score=score)
    account.refresh_from_db()
    return account


def achieved(account) -> list[str]:
    return list(
        MilestoneAchievement.objects.filter(account=account)
        .order_by("score", "milestone")
        .values_list("milestone", flat=True)
    )


def test_an_imported_score_of_700_gets_starter_and_moderate_recorded_once(account):
    imported_score(account, 700)

    assert milestone_catch_up() == 2

    assert sorted(achieved(account)) == sorted([Milestone.STARTER, Milestone.MODERATE])
    account.refresh_from_db()
    assert account.milestone == Milestone.MODERATE
    assert event_keys(KIND, account) == [
        f"milestone:{account.pk}:starter",
        f"milestone:{account.pk}:moderate",
    ]
    assert [e.data for e in events(KIND, account)] == [
        {"milestone": "starter", "milestone_label": "Starter", "score": 700},
        {"milestone": "moderate", "milestone_label": "Moderate", "score": 700},
    ]

    assert milestone_catch_up() == 0
    assert len(achieved(account)) == 2
    assert len(events(KIND, account)) == 2


def test_a_score_raised_through_the_scoring_service_is_not_reported_again(account):
    add_points(
        account=account,
        points=700,
        reason="onboarding",
        source=ScoreSource.MANUAL,
        cause=Cause.by_system("test"),
    )
    recorded = event_keys(KIND, account)
    assert len(recorded) == 2  # the service announced them itself

    assert milestone_catch_up() == 0

    assert event_keys(KIND, account) == recorded
    assert len(achieved(account)) == 2


def test_only_the_milestones_missing_are_caught_up_and_the_highest_becomes_the_milestone(
    account,
):
    add_points(
        account=account,
        points=350,
        reason="onboarding",
        source=ScoreSource.MANUAL,
        cause=Cause.by_system("test"),
    )
    imported_score(account, 950)

    assert milestone_catch_up() == 2

    assert event_keys(KIND, account) == [
        f"milestone:{account.pk}:starter",  # from the service
        f"milestone:{account.pk}:moderate",
        f"milestone:{account.pk}:pro",
    ]
    account.refresh_from_db()
    assert account.milestone == Milestone.PRO


def test_accounts_below_the_first_milestone_are_left_alone(csm):
    low = imported_score(AccountFactory(owner=csm), 299)

    assert milestone_catch_up() == 0

    assert achieved(low) == []
    low.refresh_from_db()
    assert low.milestone == ""


def test_a_recorded_milestone_is_never_lowered_by_the_catch_up(account):
    imported_score(account, 1300)
    assert milestone_catch_up() == 4
    imported_score(account, 650)  # points taken off by another import

    assert milestone_catch_up() == 0

    account.refresh_from_db()
    assert account.milestone == Milestone.ADVANCED


# --- end to end: the default b3 workflows -------------------------------------------


def test_the_caught_up_milestones_run_the_b3_playbooks_in_order(deliver, account, csm):
    imported_score(account, 700)

    deliver(milestone_catch_up)

    assert tag_names(account) == {"Moderate User"}
    assert stage(account, "milestone") == "Moderate"
    assert len(inbox(csm)) == 2

    before = footprint(account)
    deliver(milestone_catch_up)
    assert footprint(account) == before


def test_a_milestone_caught_up_is_recorded_announced_and_triggered_like_one_reached_by_points(
    deliver, received, csm
):
    by_points, by_sweep = (AccountFactory(owner=csm, name="Acme") for _ in range(2))
    announced = received(signals.milestone_reached)
    cause = Cause.by_system("milestone catch-up")

    deliver(
        lambda: add_points(
            account=by_points,
            points=350,
            reason="onboarding",
            source=ScoreSource.MANUAL,
            cause=cause,
        )
    )
    imported_score(by_sweep, 350)
    deliver(milestone_catch_up)

    def outcome(account):
        """What reaching Starter left behind, with the account's id taken out."""
        account.refresh_from_db()
        event = TriggerEvent.objects.get(kind=KIND, account=account)
        return {
            "achievements": achieved(account),
            "milestone": account.milestone,
            "announced": [
                {**sent, "account_id": "the account"}
                for sent in announced
                if sent["account_id"] == account.pk
            ],
            "event": (event.event_key.replace(str(account.pk), "the account"), event.data),
            "event cause": (event.cause_kind, event.cause_reason, event.depth),
            "tags": tag_names(account),
            "stage": stage(account, "milestone"),
            "alerts": inbox(csm, account),
        }

    assert outcome(by_sweep) == outcome(by_points)
    assert outcome(by_sweep)["tags"] == {"Starter User"}
    assert outcome(by_sweep)["announced"] == [
        {
            "sender": MilestoneAchievement,
            "account_id": "the account",
            "milestone": Milestone.STARTER,
            "score": 350,
            "cause": cause,
        }
    ]

    before = footprint(by_sweep), len(announced)
    deliver(milestone_catch_up)
    assert (footprint(by_sweep), len(announced)) == before
