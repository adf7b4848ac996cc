"""account.signed_up events sent in batches: a run of them is signed up together
(accounts.services.signups), answered as one by one, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Contact
from api.models import InboundEvent
from tests.api.conftest import EVENTS
from tests.factories import AccountFactory, ContactFactory
from tests.queries import statements

pytestmark = pytest.mark.django_db


def sign_up(event_id: str, account: str, **fields) -> dict:
    return {"id": event_id, "type": "account.signed_up", "account": account, "name": account} | (
        fields
    )


def contact(n: int, **fields) -> dict:
    return {"name": f"Pat {n}", "email": f"pat{n}@customer.example"} | fields


def answers(response) -> list[tuple]:
    return [(r["id"], r["status"], r.get("error") or "") for r in response.json()["results"]]


def test_a_run_of_sign_ups_is_answered_item_by_item(api):
    AccountFactory(external_id="old")
    api.send(sign_up("s0", "old"))

    response = api.send(
        sign_up("s0", "old"),  # sent before
        sign_up("s1", "acme", contact=contact(1)),
        sign_up("s2", "bad", plan="platinum"),
        sign_up("s3", "globex", signed_up_at="2199-01-01T00:00:00Z"),
        sign_up("s1", "acme"),  # twice in this batch
        sign_up("s4", "old", contact=contact(4)),
    )

    statuses = [(i, s) for i, s, _ in answers(response)]
    assert statuses == [
        ("s0", "duplicate"),
        ("s1", "accepted"),
        ("s2", "rejected"),
        ("s3", "rejected"),
        ("s1", "duplicate"),
        ("s4", "accepted"),
    ]
    assert answers(response)[3][2] == "The sign-up time is in the future."
    assert set(Account.objects.values_list("external_id", flat=True)) == {"old", "acme"}
    assert Contact.objects.filter(account__external_id="old", is_primary=True).get().name == "Pat 4"
    assert InboundEvent.objects.get(event_id="s1").account.external_id == "acme"


def test_a_sign_up_and_then_logins_for_it_in_one_batch_are_all_accepted(api):
    response = api.send(
        sign_up("s1", "acme", contact=contact(1)),
        sign_up("s2", "globex"),
        {"id": "l1", "type": "login", "account": "acme"},
        {"id": "l2", "type": "login", "account": "globex"},
    )

    assert [s for _, s, _ in answers(response)] == ["accepted"] * 4
    assert Account.objects.filter(last_login_at__isnull=False).count() == 2
    assert InboundEvent.objects.filter(account__external_id="acme").count() == 2


def test_a_sign_up_whose_contact_conflicts_is_refused_alone_with_its_reason(api):
    """The contact of an account on record takes an address another contact has: the
    run falls back to one sign-up at a time, which refuses only that one."""
    acme = AccountFactory(external_id="acme")
    ContactFactory(account=acme, name="Bo", email="bo@acme.example", external_id="c-bo")
    ContactFactory(
        account=acme, name="Ana", email="ana@acme.example", external_id="c-ana", is_primary=False
    )

    ana_id = {"external_id": "c-ana"}
    response = api.send(
        sign_up("s1", "globex"),
        sign_up("s2", "acme", contact={"name": "Ana", "email": "bo@acme.example", **ana_id}),
        sign_up("s3", "initech"),
    )

    assert answers(response) == [
        ("s1", "accepted", ""),
        (
            "s2",
            "rejected",
            "Another contact of this account already uses bo@acme.example or this external id.",
        ),
        ("s3", "accepted", ""),
    ]
    assert Account.objects.count() == 3


def test_200_sign_ups_with_contacts_take_as_many_queries_as_10(api):
    def send(prefix: str, count: int) -> list[str]:
        names = [f"{prefix}-{n}" for n in range(count)]
        batch = [sign_up(name, name, contact=contact(n)) for n, name in enumerate(names)]
        with CaptureQueriesContext(connection) as captured:
            response = api.post(EVENTS, {"events": batch})
        assert response.json()["accepted"] == count
        return statements(captured)

    few, many = send("few", 10), send("many", 200)

    assert len(many) == len(few), "\n".join(s[:160] for s in many)
    assert Contact.objects.filter(is_primary=True).count() == 210
