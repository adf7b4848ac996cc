"""The default detectors: each one's edges, and a run twice opening one signal."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.services import upsert_contact
from activity.models import FeatureSession
from activity.services.feedback import record_feedback
from activity.services.payments import record_payment
from core import clock
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory, FeatureFactory
from workqueue import detectors
from workqueue.models import Signal, SignalRules
from workqueue.usage import usage_outliers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_time")]

API = Cause.by_api("test")


def use(account, weekly: list[float], recent: float, feature=None) -> None:
    """`weekly` minutes for weeks 1..8 before the last 7 days, `recent` in the last 7 days."""
    feature = feature or FeatureFactory(key="reports")
    now = clock.now()
    rows = [(now - timedelta(days=3), recent)] + [
        (now - timedelta(days=7 * week + 3), minutes) for week, minutes in enumerate(weekly, 1)
    ]
    FeatureSession.objects.bulk_create(
        FeatureSession(
            account=account, feature=feature, started_at=at, minutes=Decimal(str(minutes)),
            created_at=now, **API.as_fields(),
        )
        for at, minutes in rows
        if minutes
    )  # fmt: skip


def reasons(account) -> list[str]:
    return sorted(Signal.objects.filter(account=account).values_list("reason", flat=True))


def run() -> dict[str, int]:
    return detectors.run_all()


@pytest.fixture
def old_account(csm):
    return AccountFactory(owner=csm, signed_up_at=clock.now() - timedelta(days=200))


def test_usage_at_half_its_median_or_less_raises_a_drop(old_account):
    use(old_account, [100] * 8, recent=50)
    run()
    [signal] = Signal.objects.filter(account=old_account)
    assert signal.reason == "usage_drop"
    assert signal.why["weekly_median_minutes"] == 100
    assert signal.why["percent_of_median"] == 50


def test_usage_just_above_half_raises_nothing(old_account):
    use(old_account, [100] * 8, recent=51)
    run()
    assert reasons(old_account) == []


def test_twice_the_median_raises_a_spike_opportunity(old_account):
    use(old_account, [100] * 8, recent=200)
    run()
    assert reasons(old_account) == ["usage_spike"]
    assert Signal.objects.get().kind == "opportunity"


def test_empty_weeks_count_as_zero_in_the_median(old_account):
    # Used in 3 of 8 weeks: the median is 0, below any baseline, so no drop.
    use(old_account, [300, 300, 300, 0, 0, 0, 0, 0], recent=0)
    run()
    assert reasons(old_account) == []


def test_an_account_below_the_minimum_baseline_never_flaps(old_account):
    use(old_account, [50] * 8, recent=0)  # median 50 < 60 minutes
    run()
    assert reasons(old_account) == []
    SignalRules.objects.update(usage_min_baseline_minutes=40)
    run()
    assert reasons(old_account) == ["usage_drop"]


def test_no_usage_data_raises_nothing(old_account):
    run()
    assert reasons(old_account) == []


def test_the_median_is_the_middle_of_eight_weeks(old_account):
    use(old_account, [10, 20, 30, 40, 60, 70, 80, 500], recent=0)
    [row] = usage_outliers(
        now=clock.now(), min_median=0, drop_percent=50, spike_percent=200, also_median_at_least=0
    )
    assert row.median == 50
    assert row.recent == 0


def test_a_new_account_is_not_judged_on_weeks_before_it_signed_up(csm):
    young = AccountFactory(
        owner=csm, signed_up_at=clock.now() - timedelta(days=30), last_login_at=clock.now()
    )
    use(young, [0, 0, 0, 100, 100, 100, 100, 100], recent=0)
    run()
    assert reasons(young) == []


def test_two_failed_payments_within_30_days_raise_one_signal(old_account):
    for n, days in enumerate([20, 5]):
        record_payment(
            account=old_account, external_id=f"ch_{n}", amount=Decimal(10), succeeded=False,
            cause=API, occurred_at=clock.now() - timedelta(days=days),
        )  # fmt: skip
    run()
    run()
    [signal] = Signal.objects.filter(account=old_account)
    assert signal.reason == "payment_failed_twice"
    assert signal.why == {"failures": 2}
    assert signal.occurrences == 1


def test_one_failed_payment_or_two_far_apart_raise_nothing(old_account):
    for n, days in enumerate([45, 5]):
        record_payment(
            account=old_account, external_id=f"ch_{n}", amount=Decimal(10), succeeded=False,
            cause=API, occurred_at=clock.now() - timedelta(days=days),
        )  # fmt: skip
    run()
    assert reasons(old_account) == []


def test_a_detractor_answer_raises_a_risk_and_a_later_promoter_answer_does_not(
    old_account, frozen_time
):
    record_feedback(account=old_account, nps=3, cause=API)
    other = AccountFactory(signed_up_at=old_account.signed_up_at)
    record_feedback(account=other, nps=4, cause=API)
    frozen_time.shift(timedelta(minutes=5))
    record_feedback(account=other, nps=10, cause=API)
    run()
    assert reasons(old_account) == ["detractor_nps"]
    assert reasons(other) == []


def test_a_promoter_with_high_usage_is_asked_for_a_testimonial(old_account):
    record_feedback(account=old_account, nps=10, cause=API)
    use(old_account, [200] * 8, recent=200)
    light = AccountFactory(signed_up_at=old_account.signed_up_at)
    record_feedback(account=light, nps=10, cause=API)
    use(light, [70] * 8, recent=70)
    run()
    assert reasons(old_account) == ["advocacy"]
    assert reasons(light) == []


def test_a_new_primary_contact_on_an_account_with_others_raises_champion_left(old_account):
    ContactFactory(account=old_account, is_primary=True)
    newcomer = ContactFactory(account=old_account, is_primary=False)
    upsert_contact(
        account=old_account, email=newcomer.email, name=newcomer.name, is_primary=True, cause=API
    )
    run()
    assert reasons(old_account) == ["champion_left"]


def test_nobody_logging_in_14_days_after_sign_up_is_onboarding_stalled(csm):
    stalled = AccountFactory(owner=csm, signed_up_at=clock.now() - timedelta(days=15))
    fresh = AccountFactory(owner=csm, signed_up_at=clock.now() - timedelta(days=13))
    active = AccountFactory(
        owner=csm, signed_up_at=clock.now() - timedelta(days=15), last_login_at=clock.now()
    )
    run()
    assert reasons(stalled) == ["onboarding_stalled"]
    assert reasons(fresh) == reasons(active) == []


def test_a_high_mrr_account_nobody_touched_lately_raises_no_touch(csm):
    big = AccountFactory(owner=csm, mrr=Decimal(5000), signed_up_at=clock.now() - timedelta(90))
    small = AccountFactory(owner=csm, mrr=Decimal(50), signed_up_at=clock.now() - timedelta(90))
    touched = AccountFactory(
        owner=csm, mrr=Decimal(5000), signed_up_at=clock.now() - timedelta(90),
        last_touch_at=clock.now() - timedelta(days=3),
    )  # fmt: skip
    run()
    assert reasons(big) == ["no_touch"]
    assert reasons(small) == reasons(touched) == []


def test_running_the_detectors_twice_opens_each_signal_once(old_account):
    use(old_account, [100] * 8, recent=10)
    first = run()
    second = run()
    assert first["usage_drop"] == 1
    assert second["usage_drop"] == 0
    assert Signal.objects.count() == 1


def test_the_usage_detector_runs_a_constant_number_of_queries(csm):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            detectors.usage(detectors.signal_rules())
        return len(captured)

    feature = FeatureFactory(key="reports")
    for _ in range(2):
        use(AccountFactory(signed_up_at=clock.now() - timedelta(200)), [100] * 8, 0, feature)
    small = queries()
    for _ in range(20):
        use(AccountFactory(signed_up_at=clock.now() - timedelta(200)), [100] * 8, 0, feature)
    assert queries() == small == 2  # the rules row, then the one usage statement
