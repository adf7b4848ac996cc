"""Several batches at once, sharing some event ids, in different orders.

A SaaS product retries a batch that timed out while the first attempt is
still running, and splits its backlog over several workers: the same events
arrive at once in overlapping batches. Each must be answered 2xx, and each
event applied exactly once. Real requests on real connections, one thread
each (transaction=True); on PostgreSQL the account row locks and the
(sender, event id) unique index are what the batches contend on.
"""

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from activity.models import FeatureSession, Login, Payment
from api.models import InboundEvent
from api.tokens import create_token
from core import clock
from tests.api.conftest import EVENTS
from tests.factories import AccountFactory, FeatureFactory

pytestmark = [
    pytest.mark.postgres_only,
    # serialized_rollback: the default features, pipelines and playbooks come
    # from data migrations, which an earlier transactional test flushed away.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BATCHES_AT_ONCE = 6
ROUNDS = 3
ACCOUNTS = 8


def events_of_round(round_number: int, accounts: list[str]) -> list[dict]:
    """Logins and feature use (applied together) and payments and plan changes
    (applied one by one), several per account, each with an id of its own."""
    now = clock.now()
    events = []
    for n, account in enumerate(accounts):
        at = (now - timedelta(minutes=60 * round_number + n)).isoformat()
        prefix = f"r{round_number}-{account}"
        events += [
            {"id": f"{prefix}-login", "type": "login", "account": account, "occurred_at": at},
            {
                "id": f"{prefix}-feature",
                "type": "feature.used",
                "account": account,
                "feature": "reports",
                "minutes": 3,
                "started_at": at,
            },
            {
                "id": f"{prefix}-payment",
                "type": "payment.succeeded",
                "account": account,
                "payment_id": f"ch_{prefix}",
                "amount": "49.00",
                "occurred_at": at,
            },
            {
                "id": f"{prefix}-plan",
                "type": "plan.changed",
                "account": account,
                "plan": ["starter", "pro"][(round_number + n) % 2],
            },
        ]
    return events


def overlapping_batches(events: list[dict], rng: random.Random) -> list[list[dict]]:
    """Six batches, each two thirds of the events in an order of its own: every
    event is in several batches, and every two batches share events."""
    batches = []
    for _ in range(BATCHES_AT_ONCE):
        batch = rng.sample(events, k=len(events) * 2 // 3)
        batches.append(batch)
    return batches


def send_at_once(secret: str, batches: list[list[dict]]) -> list[tuple[int, dict | str]]:
    start = threading.Barrier(len(batches))
    answers: list[tuple[int, dict | str] | None] = [None] * len(batches)

    def send(number: int) -> None:
        client = Client(raise_request_exception=False)
        try:
            start.wait(timeout=10)
            response = client.post(
                EVENTS,
                data={"events": batches[number]},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
            body = response.json() if response.status_code < 500 else response.content.decode()
            answers[number] = (response.status_code, body)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request is still waiting"
    return answers


def send_rounds(make_batches) -> tuple[set[str], list[str]]:
    """Send ROUNDS rounds of `make_batches(round_number)` at once: the ids sent,
    and the ids the answers say were accepted (failures fail the test)."""
    _, secret = create_token(name="Production app")
    sent: set[str] = set()
    accepted: list[str] = []
    failures = []
    for round_number in range(ROUNDS):
        batches = make_batches(round_number)
        sent |= {event["id"] for batch in batches for event in batch}
        for status, body in send_at_once(secret, batches):
            if status >= 300:
                failures.append((status, str(body)[:300]))
                continue
            assert body["rejected"] == 0, body
            accepted += [r["id"] for r in body["results"] if r["status"] == "accepted"]
    requests = ROUNDS * len(batches)
    assert failures == [], f"{len(failures)} of {requests} requests failed: {failures[0]}"
    return sent, accepted


def assert_applied_once(sent: set[str], accepted: list[str]) -> None:
    # Exactly once: each id accepted by one request, and applied by it alone.
    assert sorted(accepted) == sorted(sent)
    assert set(InboundEvent.objects.values_list("event_id", flat=True)) == sent
    kinds = {kind: sum(i.endswith(kind) for i in sent) for kind in ("login", "feature", "payment")}
    assert Login.objects.count() == kinds["login"]
    assert FeatureSession.objects.count() == kinds["feature"]
    assert Payment.objects.count() == kinds["payment"]


@pytest.fixture
def accounts() -> list[str]:
    FeatureFactory(key="reports")
    return [AccountFactory(external_id=f"org-{n}").external_id for n in range(ACCOUNTS)]


def test_six_overlapping_batches_at_once_are_all_answered_and_apply_each_event_once(accounts):
    rng = random.Random(138)

    sent, accepted = send_rounds(
        lambda round_number: overlapping_batches(events_of_round(round_number, accounts), rng)
    )

    assert_applied_once(sent, accepted)


def test_two_batches_of_the_same_events_in_opposite_orders_both_succeed(accounts):
    def same_events_reversed(round_number: int) -> list[list[dict]]:
        events = events_of_round(round_number, accounts)
        return [events, events[::-1]]

    sent, accepted = send_rounds(same_events_reversed)

    assert_applied_once(sent, accepted)


def test_batches_signing_up_the_same_new_accounts_in_other_orders_all_succeed():
    """Accounts a batch signs up cannot be locked before they exist: batches
    that race to create them are run again, never answered 500."""
    FeatureFactory(key="reports")
    rng = random.Random(1310)

    def sign_ups_then_use(round_number: int) -> list[list[dict]]:
        new = [f"new-{round_number}-{n}" for n in range(ACCOUNTS)]
        sign_ups = [
            {"id": f"s-{a}", "type": "account.signed_up", "account": a, "name": a} for a in new
        ]
        batches = []
        for _ in range(BATCHES_AT_ONCE):
            batch = rng.sample(sign_ups, k=len(sign_ups))
            batch += rng.sample(events_of_round(round_number, new), k=len(new) * 2)
            batches.append(batch)
        return batches

    sent, accepted = send_rounds(sign_ups_then_use)

    assert_applied_once(sent, accepted)
