"""activity.services.logins.record_login: a customer signing in to the SaaS product."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Account
from activity import signals
from activity.models import Login
from activity.services.logins import record_login
from core.causes import CauseKind

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 10, 15, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def last_login(account):
    account.refresh_from_db()
    return account.last_login_at


def test_a_login_moves_the_last_login_time_to_when_it_happened(account, by_api):
    login, created = record_login(
        account=account, occurred_at=NOW - timedelta(hours=2), cause=by_api
    )

    assert created is True
    assert last_login(account) == login.occurred_at == NOW - timedelta(hours=2)


def test_a_login_without_a_time_happened_now_and_records_its_cause(account, by_api):
    login, _ = record_login(account=account, cause=by_api)

    login.refresh_from_db()
    assert (login.occurred_at, login.created_at) == (NOW, NOW)
    assert (login.cause_kind, login.cause_user, login.cause_reason) == (
        CauseKind.API,
        None,
        "event evt_1",
    )
    assert last_login(account) == NOW


def test_the_same_login_reported_twice_is_stored_once(account, by_api):
    first, _ = record_login(account=account, occurred_at=NOW - timedelta(minutes=1), cause=by_api)

    again, created = record_login(
        account=account, occurred_at=NOW - timedelta(minutes=1), cause=by_api
    )

    assert (again.pk, created) == (first.pk, False)
    assert Login.objects.filter(account=account).count() == 1


def test_a_late_older_login_is_kept_but_does_not_move_last_login_backwards(account, by_api):
    record_login(account=account, occurred_at=NOW - timedelta(hours=1), cause=by_api)

    _, created = record_login(account=account, occurred_at=NOW - timedelta(days=3), cause=by_api)

    assert created is True
    assert Login.objects.filter(account=account).count() == 2
    assert last_login(account) == NOW - timedelta(hours=1)


def test_a_login_a_little_ahead_of_our_clock_is_believed(account, by_api):
    # The reporter's clock may run up to five minutes fast.
    record_login(account=account, occurred_at=NOW + timedelta(minutes=4), cause=by_api)

    assert last_login(account) == NOW + timedelta(minutes=4)


@pytest.mark.parametrize(
    ("occurred_at", "code", "message"),
    [
        (NOW + timedelta(minutes=6), "future_datetime", "The login time is in the future."),
        (NOW + timedelta(days=1), "future_datetime", "The login time is in the future."),
        (datetime(2025, 4, 10, 15, 0), "naive_datetime", "The login time must include a timezone."),
        ("2025-04-10T15:00:00Z", "invalid_datetime", "The login time must be a date and time."),
    ],
)
def test_a_login_at_a_bad_time_is_refused_and_nothing_is_written(
    account, by_api, occurred_at, code, message
):
    with pytest.raises(ValidationError) as refusal:
        record_login(account=account, occurred_at=occurred_at, cause=by_api)

    assert (refusal.value.code, refusal.value.messages) == (code, [message])
    assert Login.objects.count() == 0
    assert last_login(account) is None


def test_a_login_for_a_deleted_account_is_refused(account, by_api):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        record_login(account=account, cause=by_api)
    assert Login.objects.count() == 0


def test_a_login_is_announced_once_after_commit_with_the_previous_login(
    account, by_api, received, django_capture_on_commit_callbacks
):
    record_login(account=account, occurred_at=NOW - timedelta(days=8), cause=by_api)
    sent = received(signals.login_recorded)

    with django_capture_on_commit_callbacks(execute=True):
        login, _ = record_login(account=account, cause=by_api)
        record_login(account=account, cause=by_api)
        assert sent == []

    assert sent == [
        {
            "sender": Login,
            "account_id": account.pk,
            "login_id": login.pk,
            "occurred_at": NOW,
            "previous_login_at": NOW - timedelta(days=8),
            "cause": by_api,
        }
    ]


def test_a_rolled_back_login_is_not_announced(
    account, by_api, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.login_recorded)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        record_login(account=account, cause=by_api)

    assert sent == []
    assert Login.objects.count() == 0
    assert last_login(account) is None
