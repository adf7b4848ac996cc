"""Fixtures for the time-based sweeps: a frozen clock that tests move, a way to
let a sweep's events reach the engine as in production, and a customer."""

from datetime import UTC, datetime

import pytest
import time_machine

from activity.models import Feature
from tests.factories import ContactFactory

# A Monday morning; every module freezes the clock here first (`usefixtures`),
# so accounts made by other fixtures are made "now" too.
NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_time():
    """The clock stands still at NOW; `frozen_time.move_to(…)` / `.shift(…)` moves it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def contact(account):
    """The account's primary contact: customer e-mails and SMS go to them."""
    return ContactFactory(
        account=account,
        name="Jordan Rivera",
        email="jordan@acme.example",
        phone="+14155550123",
        is_primary=True,
    )


@pytest.fixture
def no_starter_features(db):
    """Switch off the catalogue a new install ships, so a test sees only its own features."""
    Feature.objects.update(is_active=False)
