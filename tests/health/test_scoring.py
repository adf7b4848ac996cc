"""Scoring an account from its recorded history: each factor's raw value and points."""

import pytest

from health.scoring import score_accounts
from tests.factories import AccountFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db


def score(account):
    (result,) = score_accounts([(account.pk, account.plan)], as_of=NOW)
    return result


def test_logins_count_active_days_in_the_window(default_model, history):
    account = AccountFactory()
    h = history(account)
    h.logins(1, 1.2, 3, 5, 9, 31)  # 4 distinct days inside 30, one outside
    assert score(account).factors["logins"] == [4.0, 8]


def test_no_login_is_zero_active_days_not_missing(default_model):
    assert score(AccountFactory()).factors["logins"] == [0.0, 0]


def test_adoption_is_the_share_of_features_used_within_their_own_timeframe(
    default_model, two_features, history
):
    account = AccountFactory()
    reports, exports = two_features
    h = history(account)
    h.use(reports, 10, days_ago=3)
    h.use(exports, 10, days_ago=20)  # older than the feature's 14 days
    assert score(account).factors["adoption"] == [50.0, 15]


def test_usage_trend_compares_the_last_30_days_with_the_30_before(
    default_model, two_features, history
):
    account = AccountFactory()
    h = history(account)
    h.use(two_features[0], 20, days_ago=45)
    h.use(two_features[0], 8, days_ago=5)
    assert score(account).factors["usage_trend"] == [-60.0, 3]


def test_no_use_in_either_period_earns_the_neutral_value(default_model, two_features):
    assert score(AccountFactory()).factors["usage_trend"] == [None, 5]


def test_a_failed_payment_in_60_days_costs_revenue_points(default_model, history):
    account = AccountFactory()
    h = history(account)
    h.payment(ok=True, days_ago=40)
    h.payment(ok=False, days_ago=10)
    h.payment(ok=False, days_ago=70)  # outside the window
    assert score(account).factors["payments"] == [1.0, 10]


def test_an_account_never_billed_earns_the_neutral_revenue_value(default_model):
    assert score(AccountFactory()).factors["payments"] == [None, 20]


def test_the_latest_nps_within_180_days_counts(default_model, history):
    account = AccountFactory()
    h = history(account)
    h.nps(3, days_ago=200)
    h.nps(9, days_ago=20)
    assert score(account).factors["sentiment"] == [9.0, 15]


def test_a_stale_nps_is_missing(default_model, history):
    account = AccountFactory()
    history(account).nps(10, days_ago=200)
    assert score(account).factors["sentiment"] == [None, 8]


def test_overdue_customer_requests_cost_support_points(default_model, history):
    account = AccountFactory()
    history(account).overdue_request(days_overdue=2)
    assert score(account).factors["support"] == [1.0, 2]


def test_the_total_is_the_sum_of_the_points_and_falls_in_its_band(
    default_model, two_features, history
):
    account = AccountFactory()
    h = history(account)
    h.logins(*range(1, 13))  # 12 days: 20
    h.use(two_features[0], 10, days_ago=2)
    h.use(two_features[1], 10, days_ago=2)  # 100 %: 20; trend +100: 15
    h.payment(ok=True, days_ago=5)  # 25
    h.nps(10, days_ago=5)  # 15
    result = score(account)
    assert (result.score, result.band) == (100, "thriving")
    assert result.version_id == default_model.current_version_id


def test_an_empty_account_is_scored_from_neutral_values(default_model, two_features):
    # logins 0, adoption 0, trend neutral 5, payments neutral 20, NPS neutral 8, support 5
    result = score(AccountFactory())
    assert (result.score, result.band) == (38, "steady")
