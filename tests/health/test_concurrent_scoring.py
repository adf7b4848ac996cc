"""Two workers running the daily score at the same moment: one snapshot per account and
day, one band-change event per change. Real commits on real connections, one per thread."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from health.models import AccountHealth, HealthSnapshot
from health.services.snapshots import score_due_accounts
from tests.factories import AccountFactory
from workflows.models import TriggerEvent

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
def test_two_daily_runs_at_once_write_one_snapshot_per_account_and_event_per_change():
    with time_machine.travel(NOW, tick=False):
        accounts = AccountFactory.create_batch(30)
        assert race() == []
        assert HealthSnapshot.objects.count() == 30
        assert AccountHealth.objects.count() == 30
    # The next day everyone's logins are the same (none) but a payment failure moves some.
    with time_machine.travel(NOW + timedelta(days=1, hours=1), tick=False):
        from decimal import Decimal

        from activity.services.payments import record_payment
        from core.causes import Cause

        for n, account in enumerate(accounts[:10]):
            for attempt in range(2):
                record_payment(
                    account=account,
                    external_id=f"race-{n}-{attempt}",
                    amount=Decimal(9),
                    succeeded=False,
                    cause=Cause.by_api(),
                )
        assert race() == []
        assert HealthSnapshot.objects.count() == 60
        assert TriggerEvent.objects.filter(kind="health_band_changed").count() == 10
