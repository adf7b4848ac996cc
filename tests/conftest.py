"""Shared fixtures: a staff user per role, an account, and a cause."""

import pytest

from accounts.roles import AFFILIATE_MANAGER, CSM, MANAGER
from core.causes import Cause
from tests.factories import AccountFactory, UserFactory


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
