"""accounts.services.change_health_status / change_happiness, and their history."""

import pytest
from django.core.exceptions import ValidationError

from accounts import signals
from accounts.models import (
    Account,
    Happiness,
    HappinessChange,
    HealthStatus,
    HealthStatusChange,
)
from accounts.services import change_happiness, change_health_status
from core.causes import Cause, CauseKind

pytestmark = pytest.mark.django_db


def test_a_manager_sets_the_health_status(account, by_manager):
    assert change_health_status(account=account, status=HealthStatus.STRUGGLING, cause=by_manager)

    account.refresh_from_db()
    assert account.health_status == HealthStatus.STRUGGLING


def test_a_health_change_records_from_to_the_note_and_who(account, manager, by_manager):
    change_health_status(account=account, status=HealthStatus.HEALTHY, cause=by_manager)
    change_health_status(
        account=account, status=HealthStatus.STEADY, cause=by_manager, note="usage dipped"
    )

    latest = HealthStatusChange.objects.filter(account=account).first()
    assert (latest.from_status, latest.to_status, latest.note) == (
        HealthStatus.HEALTHY,
        HealthStatus.STEADY,
        "usage dipped",
    )
    assert (latest.cause_kind, latest.cause_user, latest.cause_reason) == (
        CauseKind.USER,
        manager,
        "manual review",
    )


def test_setting_the_status_the_account_already_has_is_a_no_op(account, by_manager):
    change_health_status(account=account, status=HealthStatus.THRIVING, cause=by_manager)

    assert (
        change_health_status(account=account, status=HealthStatus.THRIVING, cause=by_manager)
        is False
    )
    assert HealthStatusChange.objects.filter(account=account).count() == 1


@pytest.mark.parametrize("status", ["excellent", "", "Thriving"])
def test_an_unknown_health_status_is_refused_and_nothing_changes(account, by_manager, status):
    with pytest.raises(ValidationError) as refusal:
        change_health_status(account=account, status=status, cause=by_manager)

    assert refusal.value.code == "invalid_health_status"
    assert f"Unknown health status {status!r}" in refusal.value.messages[0]
    account.refresh_from_db()
    assert account.health_status == ""
    assert HealthStatusChange.objects.count() == 0


def test_the_health_status_refusal_lists_the_values_it_accepts(account, by_manager):
    # "Thriving" is refused, so the message must not offer it as a choice.
    with pytest.raises(ValidationError) as refusal:
        change_health_status(account=account, status="Thriving", cause=by_manager)

    message = refusal.value.messages[0]
    assert all(value in message for value in HealthStatus.values), message


def test_health_change_of_a_deleted_account_is_refused(account, by_manager):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        change_health_status(account=account, status=HealthStatus.HEALTHY, cause=by_manager)
    assert HealthStatusChange.objects.count() == 0


def test_a_health_change_is_announced_once_after_commit(
    account, by_manager, received, django_capture_on_commit_callbacks
):
    change_health_status(account=account, status=HealthStatus.HEALTHY, cause=by_manager)
    sent = received(signals.health_status_changed)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            change_health_status(
                account=account, status=HealthStatus.STRUGGLING, cause=by_manager, note="call me"
            )
        assert sent == []

    assert sent == [
        {
            "sender": Account,
            "account_id": account.pk,
            "change_id": HealthStatusChange.objects.get(
                account=account, to_status=HealthStatus.STRUGGLING
            ).pk,
            "from_status": HealthStatus.HEALTHY,
            "to_status": HealthStatus.STRUGGLING,
            "note": "call me",
            "cause": by_manager,
        }
    ]


def test_a_rolled_back_health_change_is_not_announced(
    account, by_manager, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.health_status_changed)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        change_health_status(account=account, status=HealthStatus.STEADY, cause=by_manager)

    assert sent == []
    account.refresh_from_db()
    assert account.health_status == ""
    assert HealthStatusChange.objects.count() == 0


# --- happiness -------------------------------------------------------------------------


@pytest.fixture
def by_feedback() -> Cause:
    return Cause.by_customer("NPS answer 3")


def test_happiness_changes_and_is_recorded_with_its_cause(account, by_feedback):
    change_happiness(account=account, level=Happiness.HAPPY, cause=by_feedback)
    assert change_happiness(account=account, level=Happiness.NOT_HAPPY, cause=by_feedback)

    account.refresh_from_db()
    assert account.happiness == Happiness.NOT_HAPPY
    latest = HappinessChange.objects.filter(account=account).first()
    assert (latest.from_level, latest.to_level) == (Happiness.HAPPY, Happiness.NOT_HAPPY)
    assert (latest.cause_kind, latest.cause_user, latest.cause_reason) == (
        CauseKind.CUSTOMER,
        None,
        "NPS answer 3",
    )


def test_the_same_happiness_again_is_a_no_op(account, by_feedback):
    change_happiness(account=account, level=Happiness.NEUTRAL, cause=by_feedback)

    assert change_happiness(account=account, level=Happiness.NEUTRAL, cause=by_feedback) is False
    assert HappinessChange.objects.filter(account=account).count() == 1


@pytest.mark.parametrize("level", ["ecstatic", "Very Happy", ""])
def test_an_unknown_happiness_level_is_refused(account, by_feedback, level):
    with pytest.raises(ValidationError) as refusal:
        change_happiness(account=account, level=level, cause=by_feedback)

    assert refusal.value.code == "invalid_happiness"
    assert refusal.value.messages == [f"Unknown happiness level {level!r}."]
    account.refresh_from_db()
    assert account.happiness == ""
    assert HappinessChange.objects.count() == 0


def test_a_happiness_change_is_announced_once_after_commit(
    account, by_feedback, received, django_capture_on_commit_callbacks
):
    sent = received(signals.happiness_changed)

    with django_capture_on_commit_callbacks(execute=True):
        change_happiness(account=account, level=Happiness.VERY_HAPPY, cause=by_feedback)
        change_happiness(account=account, level=Happiness.VERY_HAPPY, cause=by_feedback)
        assert sent == []

    assert sent == [
        {
            "sender": Account,
            "account_id": account.pk,
            "change_id": HappinessChange.objects.get(account=account).pk,
            "from_level": "",
            "to_level": Happiness.VERY_HAPPY,
            "cause": by_feedback,
        }
    ]


def test_a_rolled_back_happiness_change_is_not_announced(
    account, by_feedback, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.happiness_changed)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        change_happiness(account=account, level=Happiness.HAPPY, cause=by_feedback)

    assert sent == []
    assert HappinessChange.objects.count() == 0
