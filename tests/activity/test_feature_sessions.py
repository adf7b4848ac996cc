"""activity.services.features.record_feature_session: time spent in one feature."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Account
from activity import signals
from activity.models import FeatureSession
from activity.services.features import record_feature_session
from core.causes import CauseKind
from tests.factories import FeatureFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 10, 15, 30, tzinfo=UTC)
STARTED = NOW - timedelta(minutes=20)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def reports():
    return FeatureFactory(key="reports")


def test_a_session_is_stored_with_its_feature_start_and_minutes(account, reports, by_api):
    session, created = record_feature_session(
        account=account, feature="reports", minutes="7.5", started_at=STARTED, cause=by_api
    )

    assert created is True
    session.refresh_from_db()
    assert (session.feature, session.started_at, session.minutes) == (
        reports,
        STARTED,
        Decimal("7.50"),
    )
    assert (session.cause_kind, session.cause_reason, session.created_at) == (
        CauseKind.API,
        "event evt_1",
        NOW,
    )


def test_a_session_without_a_start_started_now_and_a_feature_may_be_passed_as_is(
    account, reports, by_api
):
    session, _ = record_feature_session(account=account, feature=reports, minutes=3, cause=by_api)

    assert (session.started_at, session.feature) == (NOW, reports)


def test_the_same_session_reported_twice_is_stored_once_keeping_the_first_duration(
    account, reports, by_api
):
    first, _ = record_feature_session(
        account=account, feature="reports", minutes=9, started_at=STARTED, cause=by_api
    )

    again, created = record_feature_session(
        account=account, feature="reports", minutes=12, started_at=STARTED, cause=by_api
    )

    assert (again.pk, created, again.minutes) == (first.pk, False, Decimal("9.00"))
    assert FeatureSession.objects.filter(account=account).count() == 1


@pytest.mark.parametrize(
    ("minutes", "code", "message"),
    [
        (0, "not_positive", "A feature session lasts more than 0 minutes."),
        (-3, "not_positive", "A feature session lasts more than 0 minutes."),
        ("0.001", "not_positive", "A feature session lasts more than 0 minutes."),
        (24 * 60 + 1, "too_long", "A feature session lasts at most 24 hours."),
        (
            "seven",
            "invalid_number",
            "The session length in minutes must be a number, not 'seven'.",
        ),
        ("NaN", "invalid_number", "The session length in minutes must be a finite number."),
    ],
)
def test_bad_minutes_are_refused_and_nothing_is_written(
    account, reports, by_api, minutes, code, message
):
    with pytest.raises(ValidationError) as refusal:
        record_feature_session(account=account, feature="reports", minutes=minutes, cause=by_api)

    assert (refusal.value.code, refusal.value.messages) == (code, [message])
    assert FeatureSession.objects.count() == 0


def test_an_unknown_or_retired_feature_is_refused(account, by_api):
    FeatureFactory(key="legacy-export", is_active=False)

    for key in ("teleporter", "legacy-export"):
        with pytest.raises(ValidationError) as refusal:
            record_feature_session(account=account, feature=key, minutes=8, cause=by_api)
        assert refusal.value.code == "unknown_feature"
        assert refusal.value.messages == [
            f"Unknown feature {key!r}: add it to the feature catalogue first."
        ]
    assert FeatureSession.objects.count() == 0


@pytest.mark.parametrize(
    ("started_at", "code"),
    [
        (datetime(2025, 4, 10, 15, 0), "naive_datetime"),
        (NOW + timedelta(hours=1), "future_datetime"),
    ],
)
def test_a_session_starting_at_a_bad_time_is_refused(account, reports, by_api, started_at, code):
    with pytest.raises(ValidationError) as refusal:
        record_feature_session(
            account=account, feature="reports", minutes=8, started_at=started_at, cause=by_api
        )

    assert refusal.value.code == code
    assert refusal.value.messages[0].startswith("The session start ")
    assert FeatureSession.objects.count() == 0


def test_a_session_for_a_deleted_account_is_refused(account, reports, by_api):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        record_feature_session(account=account, feature="reports", minutes=8, cause=by_api)
    assert FeatureSession.objects.count() == 0


def test_a_session_is_announced_once_after_commit(
    account, reports, by_api, received, django_capture_on_commit_callbacks
):
    sent = received(signals.feature_session_recorded)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            session, _ = record_feature_session(
                account=account, feature="reports", minutes=7, started_at=STARTED, cause=by_api
            )
        assert sent == []

    assert sent == [
        {
            "sender": FeatureSession,
            "account_id": account.pk,
            "session_id": session.pk,
            "feature_key": "reports",
            "minutes": Decimal("7.00"),
            "cause": by_api,
        }
    ]


def test_a_rolled_back_session_is_not_announced(
    account, reports, by_api, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.feature_session_recorded)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        record_feature_session(account=account, feature="reports", minutes=7, cause=by_api)

    assert sent == []
    assert FeatureSession.objects.count() == 0
