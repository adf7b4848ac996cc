"""Every event type through one path: runs of one type, each to its batch service.

What cutting a batch into runs could get wrong: a run interrupted by another
type, an id twice in a batch (of every type), a refused item between
accepted ones of the same type.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Lifecycle
from activity.models import Appointment, FeatureSession, Login, Payment
from activity.services.appointments import book_appointment
from api.models import InboundEvent
from core.causes import Cause
from tests.api.conftest import EVENTS, VALID, row_counts
from tests.factories import AccountFactory, FeatureFactory
from tests.queries import statements

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
TOMORROW = NOW + timedelta(days=1)


@pytest.fixture(autouse=True)
def acme(csm):
    """Acme, owned by a CSM, on July 1st; the catalogue has a feature called reports."""
    with time_machine.travel(NOW, tick=False):
        FeatureFactory(key="reports", name="Reports")
        yield AccountFactory(external_id="acme", owner=csm)


def event(event_type: str, event_id: str, /, **fields) -> dict:
    return {"id": event_id, "type": event_type, "account": "acme", **fields}


def statuses(response) -> list[tuple[str, str]]:
    return [(r["id"], r["status"]) for r in response.json()["results"]]


@pytest.mark.parametrize("event_type", sorted(VALID))
def test_an_id_twice_in_a_batch_is_applied_once_for_every_type(api, acme, event_type):
    book_appointment(
        account=acme,
        kind="walkthrough",
        starts_at=TOMORROW,
        external_id="apt_1",
        cause=Cause.by_api("booking system"),
    )
    fields = VALID[event_type]
    before = row_counts()

    with time_machine.travel(TOMORROW + timedelta(minutes=40), tick=False):
        response = api.send(
            event(event_type, "evt-1", **fields), event(event_type, "evt-1", **fields)
        )
        after = row_counts()
        resent = api.send(event(event_type, "evt-1", **fields))

    assert statuses(response) == [("evt-1", "accepted"), ("evt-1", "duplicate")]
    assert after["InboundEvent"] == before["InboundEvent"] + 1
    assert statuses(resent) == [("evt-1", "duplicate")]
    assert row_counts() == after


def test_a_run_interrupted_by_another_type_is_applied_in_the_batch_order(api):
    response = api.send(
        event("login", "l1", account="newco"),  # not signed up yet
        event("account.signed_up", "s1", account="newco", name="Newco"),
        event("login", "l2", account="newco"),
        event("feature.used", "f1", account="newco", feature="reports", minutes=5),
        event("plan.changed", "p1", account="newco", plan="pro"),
        event("login", "l3"),
        event(
            "appointment.rescheduled", "r1", appointment_id="apt_9", starts_at=TOMORROW.isoformat()
        ),
        event(
            "appointment.booked",
            "b1",
            appointment_id="apt_9",
            kind="walkthrough",
            starts_at=TOMORROW.isoformat(),
        ),
        event(
            "appointment.rescheduled",
            "r2",
            appointment_id="apt_9",
            starts_at=(TOMORROW + timedelta(hours=2)).isoformat(),
        ),
        event("subscription.cancelled", "c1", account="newco"),
        event("login", "l4", account="newco", occurred_at=(NOW - timedelta(hours=1)).isoformat()),
    )

    assert statuses(response) == [
        ("l1", "rejected"),
        ("s1", "accepted"),
        ("l2", "accepted"),
        ("f1", "accepted"),
        ("p1", "accepted"),
        ("l3", "accepted"),
        ("r1", "rejected"),  # before its booking
        ("b1", "accepted"),
        ("r2", "accepted"),
        ("c1", "accepted"),
        ("l4", "accepted"),
    ]
    newco = Account.objects.get(external_id="newco")
    assert (newco.plan, newco.lifecycle) == ("pro", Lifecycle.CHURNED)
    assert Login.objects.filter(account=newco).count() == 2
    assert FeatureSession.objects.filter(account=newco).count() == 1
    assert Appointment.objects.get(external_id="apt_9").starts_at == TOMORROW + timedelta(hours=2)


def test_an_id_in_two_runs_is_a_duplicate_in_the_second_only_if_the_first_was_accepted(api):
    response = api.send(
        event("login", "x1"),
        event("plan.changed", "x1", plan="pro"),  # x1 taken by the login
        event("plan.changed", "x2", plan="platinum"),  # no such plan: refused
        event("login", "x2"),  # x2 is free again
    )

    assert statuses(response) == [
        ("x1", "accepted"),
        ("x1", "duplicate"),
        ("x2", "rejected"),
        ("x2", "accepted"),
    ]
    assert Account.objects.get(external_id="acme").plan != "pro"


def test_a_refused_payment_between_accepted_ones_writes_nothing_of_its_own(api):
    pay = VALID["payment.succeeded"]

    response = api.send(
        event("payment.succeeded", "p1", **{**pay, "payment_id": "ch_1"}),
        event("payment.succeeded", "p2", account="nobody", **{**pay, "payment_id": "ch_2"}),
        event("payment.succeeded", "p3", **{**pay, "payment_id": "ch_3"}),
    )

    body = response.json()["results"]
    assert statuses(response) == [("p1", "accepted"), ("p2", "rejected"), ("p3", "accepted")]
    assert "Unknown account 'nobody'" in body[1]["error"]
    assert sorted(Payment.objects.values_list("external_id", flat=True)) == ["ch_1", "ch_3"]
    assert sorted(InboundEvent.objects.values_list("event_id", flat=True)) == ["p1", "p3"]


def test_a_refused_booking_between_accepted_ones_is_refused_alone(api):
    booking = VALID["appointment.booked"]

    response = api.send(
        event("appointment.booked", "b1", **{**booking, "appointment_id": "apt_1"}),
        event("appointment.booked", "b2", **booking, assignee_email="ghost@example.com"),
        event("appointment.booked", "b3", **{**booking, "appointment_id": "apt_3"}),
    )

    assert statuses(response) == [("b1", "accepted"), ("b2", "rejected"), ("b3", "accepted")]
    assert "ghost@example.com" in response.json()["results"][1]["error"]
    assert sorted(Appointment.objects.values_list("external_id", flat=True)) == ["apt_1", "apt_3"]


def test_logins_interrupted_by_a_payment_take_as_many_queries_for_200_as_for_10(api):
    AccountFactory.create_batch(210)
    ids = list(Account.objects.values_list("external_id", flat=True))

    def send(accounts: list[str]) -> list[str]:
        half = len(accounts) // 2
        batch = [event("login", f"l-{a}", account=a) for a in accounts]
        payment = {"payment_id": f"ch_{accounts[0]}", "amount": "9.00"}
        batch.insert(
            half, event("payment.succeeded", f"p-{accounts[0]}", account=accounts[0], **payment)
        )
        with CaptureQueriesContext(connection) as captured:
            response = api.post(EVENTS, {"events": batch})
        assert response.json()["accepted"] == len(batch)
        return statements(captured)

    few, many = send(ids[:10]), send(ids[10:])

    assert len(many) == len(few), "\n".join(s[:160] for s in many)
