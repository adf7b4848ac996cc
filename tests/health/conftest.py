"""Health tests: a frozen "now", the default model, and helpers that write history."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from activity.models import Feature, TaskSource
from activity.services.features import record_feature_session
from activity.services.feedback import record_feedback
from activity.services.logins import record_login
from activity.services.payments import record_payment
from activity.services.tasks import create_task
from core.causes import Cause
from health.models import HealthModel

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BY_API = Cause.by_api("health test")


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def default_model(db):
    return HealthModel.objects.get(is_default=True)


@pytest.fixture
def two_features(db):
    """A catalogue of exactly two active features (14-day timeframes)."""
    Feature.objects.update(is_active=False)
    return [
        Feature.objects.create(key="h-reports", name="Reports", not_used_days=14),
        Feature.objects.create(key="h-exports", name="Exports", not_used_days=14),
    ]


class History:
    """Facts in an account's past, through the activity services."""

    def __init__(self, account):
        self.account = account
        self.n = 0

    def logins(self, *days_ago: float) -> None:
        for days in days_ago:
            record_login(account=self.account, cause=BY_API, occurred_at=NOW - timedelta(days=days))

    def use(self, feature, minutes: int, days_ago: float) -> None:
        record_feature_session(
            account=self.account,
            feature=feature,
            minutes=minutes,
            cause=BY_API,
            started_at=NOW - timedelta(days=days_ago),
        )

    def payment(self, *, ok: bool, days_ago: float) -> None:
        self.n += 1
        record_payment(
            account=self.account,
            external_id=f"ch_{self.account.pk}_{self.n}",
            amount=Decimal("49.00"),
            succeeded=ok,
            cause=BY_API,
            failure_reason="" if ok else "card_declined",
            occurred_at=NOW - timedelta(days=days_ago),
        )

    def nps(self, score: int, days_ago: float) -> None:
        with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
            record_feedback(account=self.account, nps=score, cause=BY_API)

    def overdue_request(self, days_overdue: float) -> None:
        with time_machine.travel(NOW - timedelta(days=days_overdue + 1), tick=False):
            create_task(
                account=self.account,
                title="Help",
                source=TaskSource.CUSTOMER,
                cause=BY_API,
                due_at=NOW - timedelta(days=days_overdue),
            )


@pytest.fixture
def history():
    return History
