"""A batch whose transaction PostgreSQL aborts (deadlock, serialization failure)
is run again; a client never sees a 500 for it.

The abort is injected where the database raises it, in the service the batch
calls: tests/api/test_concurrent_batches.py makes real ones on PostgreSQL.
"""

import psycopg.errors
import pytest
from django.db import OperationalError

from activity.models import Login
from activity.services import logins
from api.models import InboundEvent
from tests.api.conftest import row_counts
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def aborted_first(times: int, monkeypatch) -> list[int]:
    """record_logins raises PostgreSQL's deadlock error `times` times, then works."""
    calls = []
    record_logins = logins.record_logins

    def losing(**kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from psycopg.errors.DeadlockDetected()
        return record_logins(**kwargs)

    monkeypatch.setattr(logins, "record_logins", losing)
    return calls


def batch() -> dict:
    return {
        "events": [
            {"id": "s1", "type": "account.signed_up", "account": "newco", "name": "Newco"},
            {"id": "l1", "type": "login", "account": "acme"},
            {"id": "l2", "type": "login", "account": "newco"},
        ]
    }


def test_a_batch_aborted_by_a_deadlock_is_run_again_and_applied_once(api, monkeypatch):
    AccountFactory(external_id="acme")
    calls = aborted_first(2, monkeypatch)

    response = api.post("/api/v1/events", batch())

    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == 3
    assert len(calls) == 3
    assert Login.objects.count() == 2
    assert set(InboundEvent.objects.values_list("event_id", flat=True)) == {"s1", "l1", "l2"}


def test_a_batch_aborted_every_time_is_answered_503_with_retry_after_and_changes_nothing(
    api, monkeypatch
):
    AccountFactory(external_id="acme")
    aborted_first(100, monkeypatch)
    before = row_counts()

    response = api.post("/api/v1/events", batch())

    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "nothing was applied" in response.json()["detail"]
    assert row_counts() == before


def test_other_database_errors_are_not_retried(api, monkeypatch):
    AccountFactory(external_id="acme")
    calls = []

    def broken(**kwargs):
        calls.append(1)
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(logins, "record_logins", broken)

    with pytest.raises(OperationalError):
        api.post("/api/v1/events", batch())
    assert len(calls) == 1
