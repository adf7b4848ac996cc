"""Two workers running the detectors at the same instant open each signal once.

Real threads and connections, committed data: the partial unique constraint on
(account, kind, reason) among live signals absorbs the second insert.
"""

import threading
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from activity.services.feedback import record_feedback
from activity.services.payments import record_payment
from core.causes import Cause
from tests.factories import AccountFactory
from tests.workqueue.conftest import NOW
from workqueue import detectors
from workqueue.models import Signal, SignalEvent

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("frozen_time"),
]

API = Cause.by_api("test")


def test_detectors_run_by_two_workers_at_once_open_each_signal_once(csm):
    for n in range(4):
        account = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=100))
        record_feedback(account=account, nps=2, cause=API)
        for m in range(2):
            record_payment(
                account=account, external_id=f"ch_{n}_{m}", amount=Decimal(5), succeeded=False,
                cause=API, occurred_at=NOW - timedelta(days=m + 1),
            )  # fmt: skip
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            detectors.run_all()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert Counter(Signal.objects.values_list("reason", flat=True)) == {
        "detractor_nps": 4,
        "payment_failed_twice": 4,
    }
    assert SignalEvent.objects.filter(action="opened").count() == 8
