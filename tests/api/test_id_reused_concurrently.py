"""One event id sent at once for two accounts: no lock they share orders the
two batches, so the (sender, event id) unique index decides. The batch that
loses is run again from the start and answers the id as a duplicate.

Real connections (transaction=True): the other batch is held mid-transaction,
its id recorded but not committed, while this one is sent.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from activity.models import Login
from api import events as ingestion
from api.models import InboundEvent
from api.tokens import create_token
from core import clock
from tests.api.conftest import EVENTS
from tests.factories import AccountFactory

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def held_open(account, event_id: str, recorded: threading.Event, release: threading.Event):
    """Another batch, for `account`: it records `event_id` and waits to commit."""
    try:
        with transaction.atomic():
            InboundEvent.objects.create(
                sender=ingestion.SENDER,
                event_id=event_id,
                kind="login",
                account=account,
                received_at=clock.now(),
            )
            recorded.set()
            release.wait(timeout=30)
    finally:
        connection.close()


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


def test_an_id_recorded_meanwhile_for_another_account_is_answered_as_a_duplicate(monkeypatch):
    acme = AccountFactory(external_id="acme")
    globex = AccountFactory(external_id="globex")
    _, secret = create_token(name="Production app")
    reads = []
    read = ingestion.already_received
    monkeypatch.setattr(ingestion, "already_received", lambda *a: reads.append(1) or read(*a))
    recorded, release = threading.Event(), threading.Event()
    other = threading.Thread(target=held_open, args=(globex, "l1", recorded, release))
    other.start()
    assert recorded.wait(timeout=10)
    answers = []

    def send() -> None:
        try:
            response = Client(raise_request_exception=False).post(
                EVENTS,
                data={
                    "events": [
                        {"id": "l1", "type": "login", "account": "acme"},
                        {"id": "l2", "type": "feature.used", "account": "acme", "feature": "x"},
                        {"id": "l3", "type": "plan.changed", "account": "acme", "plan": "pro"},
                    ]
                },
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    this = threading.Thread(target=send)
    this.start()
    deadline = time.monotonic() + 10
    while not waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    release.set()
    other.join(timeout=30)
    this.join(timeout=30)

    [(status, body)] = answers
    assert status == 200, body
    assert [(r["id"], r["status"]) for r in body["results"]] == [
        ("l1", "duplicate"),
        ("l2", "rejected"),  # no feature x
        ("l3", "accepted"),
    ]
    assert len(reads) == 2, "the batch was not run again"
    assert Login.objects.filter(account=acme).count() == 0
    acme.refresh_from_db()
    assert acme.plan == "pro"
    recorded_ids = InboundEvent.objects.values_list("event_id", "account__external_id")
    assert sorted(recorded_ids) == [("l1", "globex"), ("l3", "acme")]
