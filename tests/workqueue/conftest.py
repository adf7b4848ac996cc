"""Fixtures for the work queue: a frozen clock, and a way to raise one signal."""

from datetime import UTC, datetime

import pytest
import time_machine

from core.causes import Cause
from workqueue.services import Found, raise_signals

NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def by_detector() -> Cause:
    return Cause.by_system("test detector")


@pytest.fixture
def raise_one(by_detector):
    """`raise_one(account, "usage_drop", key="week:1")`: the service as a detector calls it."""

    def raise_one(account, reason="usage_drop", key="k1", **why):
        return raise_signals(reason=reason, found=[Found(account.pk, key, why)], cause=by_detector)

    return raise_one
