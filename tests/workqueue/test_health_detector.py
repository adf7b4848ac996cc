"""The "health band worsened" detector, read from health/'s snapshots: its edges."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import clock
from health.models import AccountHealth, HealthModel, HealthSnapshot
from tests.factories import AccountFactory
from workqueue import detectors
from workqueue.models import Signal, SignalRules

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]


def scored(account, *, now: tuple[str, int], then: tuple[str, int] | None, days_ago: int = 7):
    """The account's computed band today and its snapshot `days_ago` (None: no history)."""
    version = HealthModel.objects.get(is_default=True).current_version
    today = timezone.localdate(clock.now())
    band, score = now
    fields = dict(version=version, factors={}, computed_at=clock.now())
    AccountHealth.objects.create(account=account, band=band, score=score, **fields)
    HealthSnapshot.objects.create(account=account, day=today, band=band, score=score, **fields)
    if then is not None:
        HealthSnapshot.objects.create(
            account=account, day=today - timedelta(days=days_ago), band=then[0], score=then[1],
            **fields,
        )  # fmt: skip


def reasons(account) -> list[str]:
    return list(Signal.objects.filter(account=account).values_list("reason", flat=True))


def test_a_band_worse_than_a_week_ago_raises_a_risk_with_both_bands(csm):
    fell = AccountFactory(owner=csm)
    scored(fell, now=("struggling", 31), then=("healthy", 72))
    detectors.run_all()
    [signal] = Signal.objects.filter(account=fell)
    assert (signal.reason, signal.kind, signal.owner) == ("health_worsened", "risk", csm)
    assert signal.why == {
        "band_before": "healthy", "band_now": "struggling", "score_before": 72, "score_now": 31,
    }  # fmt: skip


def test_the_same_band_a_better_one_or_no_history_raise_nothing(csm):
    same, better, new = (AccountFactory(owner=csm) for _ in range(3))
    scored(same, now=("steady", 50), then=("steady", 58))
    scored(better, now=("thriving", 90), then=("steady", 50))
    scored(new, now=("struggling", 20), then=None)
    detectors.run_all()
    assert reasons(same) == reasons(better) == reasons(new) == []


def test_a_fall_younger_than_the_window_waits_and_the_window_is_in_the_admin(csm):
    account = AccountFactory(owner=csm)
    scored(account, now=("struggling", 30), then=("healthy", 70), days_ago=3)
    detectors.run_all()
    assert reasons(account) == []
    SignalRules.objects.update(health_band_days=3)
    detectors.run_all()
    assert reasons(account) == ["health_worsened"]


def test_run_again_changes_nothing_and_a_further_fall_adds_to_the_open_signal(csm):
    account = AccountFactory(owner=csm)
    scored(account, now=("steady", 50), then=("thriving", 90))
    detectors.run_all()
    assert detectors.run_all()["health_worsened"] == 0
    AccountHealth.objects.filter(account=account).update(band="struggling", score=25)
    assert detectors.run_all()["health_worsened"] == 1
    [signal] = Signal.objects.filter(account=account)
    assert signal.occurrences == 2
    assert signal.why["band_now"] == "struggling"


def test_a_churned_account_is_not_judged(csm):
    gone = AccountFactory(owner=csm, lifecycle="churned")
    scored(gone, now=("struggling", 10), then=("healthy", 70))
    detectors.run_all()
    assert reasons(gone) == []
