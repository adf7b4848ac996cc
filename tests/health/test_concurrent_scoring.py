"""Two workers running the daily score at the same moment: one snapshot per account and
day. Real commits on real connections, one per thread."""

import threading

import pytest
import time_machine
from django.db import connection

from health.models import AccountHealth, HealthSnapshot
from health.services.snapshots import score_due_accounts
from tests.factories import AccountFactory

from .conftest import NOW

WORKERS = 2


def race() -> list:
    start = threading.Barrier(WORKERS)
    errors = []

    def worker():
        try:
            start.wait(timeout=10)
            score_due_accounts()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_daily_runs_at_once_write_one_snapshot_per_account_and_day():
    with time_machine.travel(NOW, tick=False):
        AccountFactory.create_batch(30)
        assert race() == []
        assert HealthSnapshot.objects.count() == 30
        assert AccountHealth.objects.count() == 30
        assert race() == []  # and again: nothing is due
        assert HealthSnapshot.objects.count() == 30
