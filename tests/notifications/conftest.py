import pytest

from tests.factories import ContactFactory
from tests.notifications.backends import FlakySMTPBackend


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, name="Jordan Rivera", email="jordan@acme.example")


@pytest.fixture
def flaky_smtp(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakySMTPBackend"
    FlakySMTPBackend.failure = None
    yield FlakySMTPBackend
    FlakySMTPBackend.failure = None
