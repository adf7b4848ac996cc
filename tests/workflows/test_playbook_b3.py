"""Playbook b3: the score crosses a milestone (Starter 300, Moderate 600, …)."""

import pytest

from scoring.models import ScoreSource
from scoring.services import add_points
from tests.workflows.outcomes import footprint, inbox, runs_of, stage, tag_names
from workflows.models import Run, RunStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def score(account, cause, points, key):
    return add_points(
        account=account,
        points=points,
        reason=f"{points:+d} for the test",
        source=ScoreSource.MANUAL,
        cause=cause,
        idempotency_key=key,
    )


def test_crossing_300_makes_a_starter_user_and_tells_the_owner(
    deliver, account, csm, manager, by_manager
):
    deliver(lambda: score(account, by_manager, 250, "bonus-1"))
    assert (tag_names(account), inbox(csm)) == (set(), [])  # below 300: no milestone

    deliver(lambda: score(account, by_manager, 60, "bonus-2"))

    account.refresh_from_db()
    assert account.score == 310
    assert tag_names(account) == {"Starter User"}
    assert stage(account, "milestone") == "Starter"
    assert len(inbox(csm)) == 1
    assert inbox(manager) == []

    before = footprint(account)
    deliver(lambda: score(account, by_manager, 60, "bonus-2"))  # the same adjustment again

    assert footprint(account) == before
    assert account.score_entries.count() == 2


def test_moderate_replaces_starter_and_a_drop_and_rise_fires_no_milestone_again(
    deliver, account, csm, by_manager
):
    deliver(lambda: score(account, by_manager, 320, "bonus-1"))
    deliver(lambda: score(account, by_manager, 300, "bonus-2"))

    assert tag_names(account) == {"Moderate User"}
    assert stage(account, "milestone") == "Moderate"
    assert len(inbox(csm)) == 2
    assert [
        [run.status for run in runs_of(key, account) if run.status != RunStatus.SKIPPED]
        for key in ("b3-milestone-starter", "b3-milestone-moderate")
    ] == [[RunStatus.SUCCEEDED], [RunStatus.SUCCEEDED]]

    runs = Run.objects.filter(account=account).count()
    deliver(lambda: score(account, by_manager, -400, "correction-1"))  # 220: below Starter
    deliver(lambda: score(account, by_manager, 450, "bonus-3"))  # 670: above both again

    account.refresh_from_db()
    assert account.score == 670
    assert Run.objects.filter(account=account).count() == runs
    assert tag_names(account) == {"Moderate User"}
    assert len(inbox(csm)) == 2
