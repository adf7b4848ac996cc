"""scoring.services.add_points / record_milestones_reached: the ledger, the score and milestones."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import Sum

from accounts.models import Account, Milestone
from core.causes import Cause, CauseKind
from scoring import signals
from scoring.models import MilestoneAchievement, MilestoneLevel, ScoreEntry, ScoreSource
from scoring.services import MAX_POINTS_PER_ENTRY, add_points, record_milestones_reached
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

REACHED = datetime(2025, 5, 1, 10, 0, tzinfo=UTC)


def score(account, points, cause, **extra):
    """Add points the way a workflow step does; the reason names the amount."""
    extra.setdefault("source", ScoreSource.WORKFLOW)
    return add_points(account=account, points=points, reason=f"{points:+d}", cause=cause, **extra)


def ledger_sum(account):
    return ScoreEntry.objects.filter(account=account).aggregate(total=Sum("points"))["total"]


def reached(account):
    return list(
        MilestoneAchievement.objects.filter(account=account)
        .order_by("id")
        .values_list("milestone", "score")
    )


@pytest.fixture
def by_run() -> Cause:
    return Cause.by_workflow_run(9, "playbook e1")


def test_the_milestone_thresholds_are_installed_on_a_new_install():
    assert list(MilestoneLevel.objects.values_list("milestone", "threshold")) == [
        (Milestone.STARTER, 300),
        (Milestone.MODERATE, 600),
        (Milestone.PRO, 900),
        (Milestone.ADVANCED, 1200),
    ]


def test_points_are_added_to_the_score_as_a_ledger_entry_with_its_cause(account, manager):
    cause = Cause.by_user(manager, "great QBR")

    change = add_points(
        account=account, points=40, reason=" QBR bonus ", source=ScoreSource.MANUAL, cause=cause
    )

    account.refresh_from_db()
    assert change.score == account.score == 40
    entry = ScoreEntry.objects.get(account=account)
    assert change.entry == entry
    assert (entry.points, entry.reason, entry.source) == (40, "QBR bonus", ScoreSource.MANUAL)
    assert (entry.cause_kind, entry.cause_user, entry.cause_reason) == (
        CauseKind.USER,
        manager,
        "great QBR",
    )


def test_the_score_is_the_ledger_sum_after_gains_and_losses(account, by_run):
    moves = [120, -30, 75, -200, 10, 5]
    for points in moves:
        score(account, points, by_run)

    account.refresh_from_db()
    assert account.score == ledger_sum(account) == sum(moves)
    assert ScoreEntry.objects.filter(account=account).count() == len(moves)


def test_the_same_idempotency_key_scores_once(account, by_run):
    first = score(account, 100, by_run, idempotency_key="payment:in_1")

    again = score(account, 100, by_run, idempotency_key="payment:in_1")

    assert (again.entry, again.score, again.milestones_reached) == (None, first.score, [])
    account.refresh_from_db()
    assert account.score == ledger_sum(account) == 100
    assert ScoreEntry.objects.filter(account=account).count() == 1


def test_an_idempotency_key_is_per_account(account, by_run):
    other = AccountFactory()
    score(account, 100, by_run, idempotency_key="payment:in_1")

    assert score(other, 100, by_run, idempotency_key="payment:in_1").entry is not None
    assert ScoreEntry.objects.count() == 2


@pytest.mark.parametrize(
    ("points", "fields", "code"),
    [
        (0, {}, "invalid_points"),
        (True, {}, "invalid_points"),
        (1.5, {}, "invalid_points"),
        ("10", {}, "invalid_points"),
        (MAX_POINTS_PER_ENTRY + 1, {}, "too_many_points"),
        (10, {"source": "bribe"}, "invalid_source"),
        (10, {"reason": "   "}, "reason_required"),
    ],
)
def test_bad_points_are_refused_and_the_ledger_is_untouched(account, by_run, points, fields, code):
    score(account, 50, by_run)
    arguments = {"points": points, "reason": "test", "source": ScoreSource.MANUAL, **fields}

    with pytest.raises(ValidationError) as refusal:
        add_points(account=account, cause=by_run, **arguments)

    assert refusal.value.code == code
    account.refresh_from_db()
    assert account.score == 50
    assert ScoreEntry.objects.filter(account=account).count() == 1


def test_zero_points_are_refused_with_a_clear_message(account, by_run):
    with pytest.raises(ValidationError) as refusal:
        score(account, 0, by_run)

    assert refusal.value.messages == ["Points must be a non-zero whole number."]


def test_points_for_a_deleted_account_are_refused(account, by_run):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        score(account, 10, by_run)
    assert ScoreEntry.objects.count() == 0


# --- milestones --------------------------------------------------------------------------


def test_crossing_300_then_650_records_starter_then_moderate_once_each(account, by_run):
    with time_machine.travel(REACHED, tick=False):
        assert score(account, 310, by_run).milestones_reached == [Milestone.STARTER]
        assert score(account, 20, by_run).milestones_reached == []
        assert score(account, 320, by_run).milestones_reached == [Milestone.MODERATE]

    account.refresh_from_db()
    assert account.milestone == Milestone.MODERATE
    assert reached(account) == [(Milestone.STARTER, 310), (Milestone.MODERATE, 650)]
    assert set(MilestoneAchievement.objects.values_list("created_at", flat=True)) == {REACHED}


def test_a_score_that_drops_and_rises_again_does_not_reach_a_milestone_twice(account, by_run):
    score(account, 650, by_run)

    assert score(account, -400, by_run).milestones_reached == []
    assert score(account, 400, by_run).milestones_reached == []

    account.refresh_from_db()
    assert (account.score, account.milestone) == (650, Milestone.MODERATE)
    assert len(reached(account)) == 2


def test_a_milestone_is_kept_when_the_score_falls_below_it(account, by_run):
    score(account, 950, by_run)

    score(account, -900, by_run)

    account.refresh_from_db()
    assert (account.score, account.milestone) == (50, Milestone.PRO)


def test_one_big_gain_reaches_every_milestone_it_passes_lowest_first(account, by_run):
    change = score(account, 1250, by_run)

    assert change.milestones_reached == [
        Milestone.STARTER,
        Milestone.MODERATE,
        Milestone.PRO,
        Milestone.ADVANCED,
    ]
    account.refresh_from_db()
    assert account.milestone == Milestone.ADVANCED


def test_record_milestones_reached_records_only_what_is_new_for_many_accounts_at_once(
    account, by_run
):
    other, low = AccountFactory(), AccountFactory()
    Account.objects.filter(pk__in=[account.pk, other.pk]).update(score=620)
    Account.objects.filter(pk=low.pk).update(score=100)
    everyone = Account.objects.filter(pk__in=[account.pk, other.pk, low.pk])

    assert record_milestones_reached(accounts=everyone, cause=by_run) == {
        account.pk: [Milestone.STARTER, Milestone.MODERATE],
        other.pk: [Milestone.STARTER, Milestone.MODERATE],
    }
    assert record_milestones_reached(accounts=everyone, cause=by_run) == {}
    assert reached(account) == [(Milestone.STARTER, 620), (Milestone.MODERATE, 620)]
    assert reached(low) == []
    assert set(everyone.values_list("milestone", flat=True)) == {Milestone.MODERATE, ""}


# --- announcements -----------------------------------------------------------------------


def test_points_and_milestones_are_announced_once_after_commit(
    account, by_run, received, django_capture_on_commit_callbacks
):
    points_sent, milestones_sent = (
        received(signals.points_added),
        received(signals.milestone_reached),
    )

    with django_capture_on_commit_callbacks(execute=True):
        score(account, 310, by_run, idempotency_key="run:9")
        score(account, 310, by_run, idempotency_key="run:9")
        score(account, -100, by_run)
        score(account, 440, by_run)
        score(account, 100, by_run)
        assert (points_sent, milestones_sent) == ([], [])

    assert [(s["points"], s["score"]) for s in points_sent] == [
        (310, 310),
        (-100, 210),
        (440, 650),
        (100, 750),
    ]
    assert points_sent[0] == {
        "sender": ScoreEntry,
        "account_id": account.pk,
        "points": 310,
        "score": 310,
        "source": ScoreSource.WORKFLOW,
        "cause": by_run,
    }
    common = {"sender": MilestoneAchievement, "account_id": account.pk, "cause": by_run}
    assert milestones_sent == [
        {**common, "milestone": Milestone.STARTER, "score": 310},
        {**common, "milestone": Milestone.MODERATE, "score": 650},
    ]


def test_rolled_back_points_are_not_announced_and_reach_no_milestone(
    account, by_run, received, rolled_back, django_capture_on_commit_callbacks
):
    points_sent, milestones_sent = (
        received(signals.points_added),
        received(signals.milestone_reached),
    )

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        score(account, 700, by_run)

    assert (points_sent, milestones_sent) == ([], [])
    account.refresh_from_db()
    assert (account.score, account.milestone) == (0, "")
    assert ScoreEntry.objects.count() == MilestoneAchievement.objects.count() == 0
