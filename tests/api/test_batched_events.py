"""Logins and feature use sent in batches: each run of them is applied together,
with the outcome of applying the events one by one, in a constant number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from activity.models import FeatureSession, Login
from api import events as ingestion
from api.models import InboundEvent
from tests.api.conftest import EVENTS, row_counts
from tests.factories import AccountFactory, FeatureFactory
from tests.queries import statements
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def login(event_id: str, account: str, hours_ago: float) -> dict:
    at = NOW - timedelta(hours=hours_ago)
    return {"id": event_id, "type": "login", "account": account, "occurred_at": at.isoformat()}


def statuses(response) -> list[tuple[str, str]]:
    return [(r["id"], r["status"]) for r in response.json()["results"]]


def last_login(external_id: str) -> datetime | None:
    return Account.objects.get(external_id=external_id).last_login_at


def login_events(external_id: str) -> list[dict]:
    found = TriggerEvent.objects.filter(kind="login_recorded", account__external_id=external_id)
    return [event.data for event in found.order_by("data__occurred_at")]


def test_a_batch_of_logins_leaves_what_sending_them_one_by_one_leaves(api):
    AccountFactory(external_id="acme", last_login_at=NOW - timedelta(days=10))
    AccountFactory(external_id="globex", last_login_at=None)

    response = api.send(
        login("l1", "acme", hours_ago=5),
        login("l2", "globex", hours_ago=3),
        login("l3", "acme", hours_ago=1),
        login("l4", "acme", hours_ago=8),  # arrives late: older than l1 and l3
    )

    assert statuses(response) == [(i, "accepted") for i in ("l1", "l2", "l3", "l4")]
    assert last_login("acme") == NOW - timedelta(hours=1)
    assert last_login("globex") == NOW - timedelta(hours=3)
    assert Login.objects.count() == 4
    # Each login's trigger event counts the days since the last login before it.
    since = {e["occurred_at"]: e["days_since_previous"] for e in login_events("acme")}
    assert since[(NOW - timedelta(hours=5)).isoformat()] == 9
    assert since[(NOW - timedelta(hours=1)).isoformat()] == 0
    assert [e["days_since_previous"] for e in login_events("globex")] == [None]


def test_an_id_twice_in_a_batch_or_sent_before_is_a_duplicate_and_changes_nothing(api):
    AccountFactory(external_id="acme")
    api.send(login("l1", "acme", hours_ago=5))
    before = row_counts()

    response = api.send(
        login("l1", "acme", hours_ago=2),  # sent before
        login("l2", "acme", hours_ago=1),
        login("l2", "acme", hours_ago=4),  # twice in this batch
    )

    assert statuses(response) == [("l1", "duplicate"), ("l2", "accepted"), ("l2", "duplicate")]
    assert row_counts() == {
        **before,
        "Login": before["Login"] + 1,
        "InboundEvent": before["InboundEvent"] + 1,
    }
    assert last_login("acme") == NOW - timedelta(hours=1)


def test_a_bad_login_in_a_run_of_logins_is_refused_alone(api):
    AccountFactory(external_id="acme")
    future = {
        **login("l2", "acme", hours_ago=0),
        "occurred_at": (NOW + timedelta(hours=1)).isoformat(),
    }

    response = api.send(
        login("l1", "acme", hours_ago=3),
        future,
        login("l3", "nobody", hours_ago=2),
        login("l4", "acme", hours_ago=1),
    )

    body = response.json()["results"]
    assert statuses(response) == [
        ("l1", "accepted"),
        ("l2", "rejected"),
        ("l3", "rejected"),
        ("l4", "accepted"),
    ]
    assert "future" in body[1]["error"]
    assert "Unknown account 'nobody'" in body[2]["error"]
    assert set(InboundEvent.objects.values_list("event_id", flat=True)) == {"l1", "l4"}
    assert Login.objects.count() == 2


def test_logins_around_other_events_keep_the_batch_order(api):
    response = api.send(
        login("l1", "newco", hours_ago=2),  # not signed up yet
        {"id": "s1", "type": "account.signed_up", "account": "newco", "name": "Newco"},
        login("l2", "newco", hours_ago=1),
    )

    assert statuses(response) == [("l1", "rejected"), ("s1", "accepted"), ("l2", "accepted")]
    assert last_login("newco") == NOW - timedelta(hours=1)


def test_an_id_claimed_by_a_concurrent_request_is_answered_as_a_duplicate(api, monkeypatch):
    """Another request stores l1 between this batch's read of the ids and its insert:
    the batch is run again from the start, sees l1, and neither stores it twice nor fails."""
    AccountFactory(external_id="acme")
    api.send(login("l1", "acme", hours_ago=5))
    reads = []
    read = ingestion.already_received

    def first_read_misses_it(sender, ids):
        reads.append(1)
        return set() if len(reads) == 1 else read(sender, ids)

    monkeypatch.setattr(ingestion, "already_received", first_read_misses_it)

    response = api.send(login("l1", "acme", hours_ago=2), login("l2", "acme", hours_ago=1))

    assert statuses(response) == [("l1", "duplicate"), ("l2", "accepted")]
    assert len(reads) == 2
    assert Login.objects.count() == 2
    assert last_login("acme") == NOW - timedelta(hours=1)


def test_a_batch_of_200_logins_takes_as_many_queries_as_a_batch_of_10(api):
    AccountFactory.create_batch(210)
    ids = list(Account.objects.values_list("external_id", flat=True))

    def send(accounts: list[str]) -> list[str]:
        batch = [login(f"l-{a}", a, hours_ago=1) for a in accounts]
        with CaptureQueriesContext(connection) as captured:
            response = api.post(EVENTS, {"events": batch})
        assert response.json()["accepted"] == len(accounts)
        return statements(captured)

    few, many = send(ids[:10]), send(ids[10:])

    assert len(many) == len(few), "\n".join(s[:160] for s in many)


def feature_used(event_id: str, account: str, feature: str, minutes: float, hours_ago: float):
    at = NOW - timedelta(hours=hours_ago)
    return {
        "id": event_id,
        "type": "feature.used",
        "account": account,
        "feature": feature,
        "minutes": minutes,
        "started_at": at.isoformat(),
    }


def test_a_batch_of_feature_use_records_each_session_once_and_refuses_only_the_bad(api):
    AccountFactory(external_id="acme")
    AccountFactory(external_id="globex")
    FeatureFactory(key="reports", name="Reports", points=50)
    FeatureFactory(key="exports", name="Exports", points=20)

    response = api.send(
        feature_used("f1", "acme", "reports", 12, hours_ago=3),
        feature_used("f2", "globex", "exports", 2, hours_ago=2),
        feature_used("f3", "acme", "teleport", 5, hours_ago=2),  # not in the catalogue
        feature_used("f4", "acme", "reports", 30, hours_ago=3),  # f1's session again
    )

    body = response.json()["results"]
    assert statuses(response) == [
        ("f1", "accepted"),
        ("f2", "accepted"),
        ("f3", "rejected"),
        ("f4", "accepted"),
    ]
    assert "Unknown feature 'teleport'" in body[2]["error"]
    sessions = FeatureSession.objects.order_by("account__external_id")
    # The same session (account, feature, start) reported again keeps its first length.
    assert [(s.account.external_id, s.feature.key, float(s.minutes)) for s in sessions] == [
        ("acme", "reports", 12.0),
        ("globex", "exports", 2.0),
    ]
    data = {
        e.account.external_id: e.data
        for e in TriggerEvent.objects.filter(kind="feature_session_recorded")
    }
    assert data["acme"] == {
        "feature_key": "reports",
        "feature_name": "Reports",
        "feature_points": 50,
        "minutes": 12.0,
        "long_enough": True,
    }
    assert data["globex"]["long_enough"] is False


def test_a_batch_of_200_feature_uses_takes_as_many_queries_as_a_batch_of_10(api):
    AccountFactory.create_batch(210)
    FeatureFactory(key="reports")
    ids = list(Account.objects.values_list("external_id", flat=True))

    def send(accounts: list[str]) -> list[str]:
        batch = [feature_used(f"f-{a}", a, "reports", 9, hours_ago=1) for a in accounts]
        with CaptureQueriesContext(connection) as captured:
            response = api.post(EVENTS, {"events": batch})
        assert response.json()["accepted"] == len(accounts)
        return statements(captured)

    few, many = send(ids[:10]), send(ids[10:])

    assert len(many) == len(few), "\n".join(s[:160] for s in many)


def test_interleaved_logins_and_feature_use_are_answered_in_order_in_constant_queries(api):
    AccountFactory.create_batch(220)
    FeatureFactory(key="reports")
    ids = list(Account.objects.values_list("external_id", flat=True))

    def send(accounts: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
        batch = []
        for n, a in enumerate(accounts):  # as a product reports them: mixed
            if n % 3:
                batch.append(login(f"l-{a}", a, hours_ago=1))
            else:
                batch.append(feature_used(f"f-{a}", a, "reports", 9, hours_ago=1))
        batch.insert(1, login("l-nobody", "nobody", hours_ago=1))
        with CaptureQueriesContext(connection) as captured:
            response = api.post(EVENTS, {"events": batch})
        expected = [
            (e["id"], "rejected" if e["account"] == "nobody" else "accepted") for e in batch
        ]
        assert statuses(response) == expected
        return statements(captured)

    few, many = send(ids[:10]), send(ids[10:])

    assert len(many) == len(few), "\n".join(s[:160] for s in many)
    assert Login.objects.count() + FeatureSession.objects.count() == 220


def test_a_resent_login_is_a_duplicate_even_when_it_would_now_be_refused(api):
    """As one by one: the id is looked up before the event is checked."""
    AccountFactory(external_id="acme")
    api.send(login("l1", "acme", hours_ago=2))
    future = (NOW + timedelta(hours=1)).isoformat()

    response = api.send(
        {**login("l1", "acme", hours_ago=0), "occurred_at": future},
        login("l2", "acme", hours_ago=1),
        {**login("l2", "acme", hours_ago=0), "occurred_at": future},
    )

    assert statuses(response) == [("l1", "duplicate"), ("l2", "accepted"), ("l2", "duplicate")]


def test_an_id_refused_earlier_in_the_batch_is_free_for_a_corrected_copy(api):
    AccountFactory(external_id="acme")
    future = (NOW + timedelta(hours=1)).isoformat()

    response = api.send(
        {**login("l1", "acme", hours_ago=0), "occurred_at": future},
        login("l1", "acme", hours_ago=1),
    )

    assert statuses(response) == [("l1", "rejected"), ("l1", "accepted")]
    assert last_login("acme") == NOW - timedelta(hours=1)
