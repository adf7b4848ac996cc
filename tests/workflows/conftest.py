"""Fixtures for end-to-end playbook tests: a frozen clock, a customer to
write to, and `deliver`, which lets an event reach the engine as it would in
production (the trigger event commits with the change, then the engine, the
runs and the outbox work after commit; django-q2 runs inline in tests)."""

from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import ContactFactory

NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_time():
    """The clock stands still at NOW; `frozen_time.shift(…)` / `.move_to(…)` moves it.

    Playbook modules use it for every test (`usefixtures`), so accounts and
    contacts made by other fixtures are made at NOW too."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def contact(account):
    """The account's primary contact: customer e-mails go to them."""
    return ContactFactory(
        account=account, name="Jordan Rivera", email="jordan@acme.example", is_primary=True
    )
