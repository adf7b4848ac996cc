"""Shared fixtures: a staff user per role, an account, a cause, and ways to
watch what a service announces after commit."""

from contextlib import contextmanager

import pytest
from django.db import transaction

from accounts.roles import AFFILIATE_MANAGER, CSM, MANAGER
from core.causes import Cause
from tests.factories import AccountFactory, UserFactory


@pytest.fixture(autouse=True)
def outbox_policy(request, settings, monkeypatch):
    """The outbox's caps and quiet hours apply in tests marked `outbox_policy` only: the
    others are about something else and must not depend on the hour they run at (nor
    do the worker processes some of them start)."""
    enabled = "outbox_policy" in request.keywords
    settings.NOTIFY_POLICY = enabled
    monkeypatch.setenv("NOTIFY_POLICY", str(enabled).lower())


@pytest.fixture
def manager(db):
    return UserFactory(username="maria", roles=[MANAGER])


@pytest.fixture
def csm(db):
    return UserFactory(username="carl", roles=[CSM])


@pytest.fixture
def affiliate_manager(db):
    return UserFactory(username="ali", roles=[AFFILIATE_MANAGER])


@pytest.fixture
def account(db, csm):
    return AccountFactory(owner=csm)


@pytest.fixture
def by_manager(manager) -> Cause:
    return Cause.by_user(manager, "manual review")


@pytest.fixture
def by_api() -> Cause:
    return Cause.by_api("event evt_1")


@pytest.fixture
def received():
    """Listen to a domain signal: `sent = received(signal)` fills `sent` with
    one dict (sender and keyword arguments) per send, until the test ends."""
    listening = []

    def listen(signal):
        sent = []

        def receiver(sender, signal, **kwargs):
            sent.append({"sender": sender, **kwargs})

        signal.connect(receiver, weak=False)
        listening.append((signal, receiver))
        return sent

    yield listen
    for signal, receiver in listening:
        signal.disconnect(receiver)


@pytest.fixture
def rolled_back():
    """`with rolled_back(): …` runs the block in a transaction that rolls back,
    as a request that fails after calling a service would."""

    @contextmanager
    def block():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    return block


@pytest.fixture(autouse=True)
def _defaults_after_a_flush(request):
    """Transactional tests run on a flushed database: put the defaults back first.

    (Normal tests roll back and keep what the data migrations installed.)
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from core.defaults import install_defaults

        install_defaults()


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """`deliver(lambda: service(...))`: make the change, commit, and run everything
    that follows after commit (event matching, runs, the outbox; django-q2 is
    inline in tests), as production would."""

    def deliver(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    return deliver


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests prove what PostgreSQL's row locks do; SQLite, which
    takes one write lock for the whole database, has nothing for them to prove."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)
