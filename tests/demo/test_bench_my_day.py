"""The bench's "My day with open signals" measures the page it names: that many signals
in one CSM's queue, their accounts as the book, and the page answering."""

import pytest

from core.causes import Cause
from demo.bench.signals import my_day_with_open_signals
from tests.factories import AccountFactory
from workqueue.models import Signal
from workqueue.services import Found, raise_signals

pytestmark = pytest.mark.django_db


def test_my_day_is_measured_for_a_csm_holding_the_open_signals():
    accounts = AccountFactory.create_batch(4)
    raise_signals(
        reason="usage_drop",
        found=[Found(account.pk, "k", {}) for account in accounts],
        cause=Cause.by_system("bench"),
    )
    page = my_day_with_open_signals(count=3)
    assert (page["signals"], page["status"]) == (3, 200)
    assert 0 < page["queries"] <= 25
    assert Signal.objects.filter(owner__username="bench-queue").count() == 3
