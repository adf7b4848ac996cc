"""accounts.services.signups: many sign-ups at once, each with the outcome it has alone,
in a number of queries that does not grow with the batch."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import signals
from accounts.models import Account, AccountEvent, AccountEventKind, Contact
from accounts.services import signups
from accounts.services.signups import ContactReport, SignUpReport, sign_up_accounts
from tests.factories import AccountFactory, ContactFactory
from tests.queries import statements
from workflows.models import TriggerEvent

NOON = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOON, tick=False):
        yield


def report(external_id: str, cause, *, contact: ContactReport | None = None, **fields):
    return SignUpReport(
        external_id=external_id,
        name=fields.pop("name", f"Customer {external_id}"),
        cause=cause,
        contact=contact,
        **fields,
    )


def ana(**fields) -> ContactReport:
    return ContactReport(**{"name": "Ana Lima", "email": "ana@acme.example", **fields})


def test_a_batch_signs_up_each_new_account_with_its_primary_contact(by_api):
    outcomes = sign_up_accounts(
        [
            report("acme", by_api, contact=ana(phone="+14155550100"), plan="pro", mrr=Decimal(99)),
            report("globex", by_api),
        ]
    )

    assert [(o.account.external_id, o.created, o.error) for o in outcomes] == [
        ("acme", True, None),
        ("globex", True, None),
    ]
    acme = Account.objects.get(external_id="acme")
    assert (acme.plan, acme.mrr, acme.signed_up_at) == ("pro", 99, NOON)
    contact = Contact.objects.get(account=acme)
    assert (contact.name, contact.email, contact.phone, contact.is_primary) == (
        "Ana Lima",
        "ana@acme.example",
        "+14155550100",
        True,
    )
    history = AccountEvent.objects.filter(account=acme).order_by("pk")
    assert [(e.kind, e.data) for e in history] == [
        (AccountEventKind.SIGNED_UP, {"plan": "pro", "mrr": "99.00"}),
        (
            AccountEventKind.CONTACT_CHANGED,
            {"contact_id": contact.pk, "fields": ["email", "is_primary", "name", "phone"]},
        ),
    ]
    assert not Contact.objects.filter(account__external_id="globex").exists()


def test_each_new_account_triggers_its_sign_up_and_contact_events(by_api):
    sign_up_accounts([report("acme", by_api, contact=ana()), report("globex", by_api)])

    triggered = TriggerEvent.objects.order_by("pk")
    assert [(e.kind, e.account.external_id) for e in triggered] == [
        ("account_signed_up", "acme"),
        ("account_signed_up", "globex"),
        ("contact_changed", "acme"),
    ]
    signed_up = triggered.first().data
    assert signed_up == {"plan": "free", "mrr": "0.00", "owner_name": ""}
    contact = triggered.last().data
    assert (contact["contact_name"], contact["became_primary"]) == ("Ana Lima", False)


def test_a_bad_item_is_refused_with_its_reason_and_the_others_go_in(by_api):
    outcomes = sign_up_accounts(
        [
            report("acme", by_api),
            report("bad", by_api, plan="platinum"),
            report("no/slash", by_api),
            report("globex", by_api, contact=ana(phone="0155")),
            report("initech", by_api, contact=ContactReport(email="x@initech.example")),
            report("umbrella", by_api),
        ]
    )

    assert [" ".join(o.error.messages) if o.error else "" for o in outcomes] == [
        "",
        "Unknown plan 'platinum'.",
        "The external id 'no/slash' contains `/`, which cannot be part of a URL path.",
        "Phone '0155' is not in E.164 form (e.g. +14155550100).",
        "A new contact needs a name.",
        "",
    ]
    assert set(Account.objects.values_list("external_id", flat=True)) == {"acme", "umbrella"}
    assert Contact.objects.count() == 0


def test_an_id_on_record_returns_the_account_unchanged_and_updates_its_contact(by_api):
    acme = AccountFactory(external_id="acme", name="Acme", plan="pro")
    ContactFactory(account=acme, name="Ana", email="ana@acme.example", phone="+14155550100")

    [outcome] = sign_up_accounts(
        [report("acme", by_api, name="Renamed", plan="free", contact=ana(phone=None))]
    )

    assert (outcome.account.pk, outcome.created, outcome.contact_changed) == (acme.pk, False, True)
    acme.refresh_from_db()
    assert (acme.name, acme.plan) == ("Acme", "pro")
    contact = Contact.objects.get(account=acme)
    # The phone was left out: it keeps its value.
    assert (contact.name, contact.phone, contact.is_primary) == ("Ana Lima", "+14155550100", True)
    assert not AccountEvent.objects.filter(kind=AccountEventKind.SIGNED_UP).exists()


def test_the_same_id_twice_signs_up_once_then_updates_the_contact(by_api):
    outcomes = sign_up_accounts(
        [
            report("acme", by_api, contact=ana()),
            report("acme", by_api, contact=ana(name="Ana Lima-Souza")),
        ]
    )

    assert [(o.created, o.contact_changed) for o in outcomes] == [(True, True), (False, True)]
    assert Account.objects.count() == 1
    assert Contact.objects.get().name == "Ana Lima-Souza"


def test_the_first_good_copy_of_an_id_signs_it_up(by_api):
    outcomes = sign_up_accounts(
        [report("acme", by_api, plan="platinum"), report("acme", by_api, name="Acme")]
    )

    assert [(o.created, bool(o.error)) for o in outcomes] == [(False, True), (True, False)]
    assert Account.objects.get().name == "Acme"


def test_imported_accounts_are_announced_as_imported_not_signed_up(by_api, received, deliver):
    signed_up, imported = received(signals.account_signed_up), received(signals.account_imported)

    deliver(
        lambda: sign_up_accounts(
            [report("acme", by_api), report("globex", by_api, announce_as_sign_up=False)]
        )
    )

    assert [s["account_id"] for s in signed_up] == [Account.objects.get(external_id="acme").pk]
    assert [s["account_id"] for s in imported] == [Account.objects.get(external_id="globex").pk]


def test_a_billing_id_another_account_has_refuses_the_item(by_api):
    AccountFactory(external_id="old", billing_customer_id="cus_1")

    outcomes = sign_up_accounts(
        [
            report("acme", by_api, billing_customer_id="cus_1"),
            report("globex", by_api, billing_customer_id="cus_2"),
            report("initech", by_api, billing_customer_id="cus_2"),
        ]
    )

    assert [" ".join(o.error.messages) if o.error else "" for o in outcomes] == [
        "Another account already has billing customer id 'cus_1'.",
        "",
        "Another account already has billing customer id 'cus_2'.",
    ]


def test_an_account_created_meanwhile_by_another_request_is_treated_as_on_record(
    by_api, monkeypatch
):
    """Another request signs acme up between this batch's read and its insert: the
    insert fails on the unique external id, and the batch is run again."""
    AccountFactory(external_id="acme", name="Acme")
    reads = []
    real = signups._on_record

    def read_before_the_other_commit(external_ids):
        reads.append(external_ids)
        return set() if len(reads) == 1 else real(external_ids)

    monkeypatch.setattr(signups, "_on_record", read_before_the_other_commit)

    outcomes = sign_up_accounts([report("acme", by_api, contact=ana()), report("globex", by_api)])

    assert len(reads) == 2
    assert [(o.account.external_id, o.created) for o in outcomes] == [
        ("acme", False),
        ("globex", True),
    ]
    assert Account.objects.count() == 2
    assert Contact.objects.get().account.external_id == "acme"


def test_200_sign_ups_with_contacts_take_as_many_queries_as_10(by_api):
    def sign_up(prefix: str, count: int) -> list[str]:
        batch = [
            report(
                f"{prefix}{n}",
                by_api,
                contact=ContactReport(name=f"Pat {n}", email=f"pat{n}@{prefix}.example"),
                announce_as_sign_up=n % 2 == 0,
            )
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            outcomes = sign_up_accounts(batch)
        assert all(outcome.created for outcome in outcomes)
        return statements(captured)

    few, many = sign_up("few", 10), sign_up("many", 200)

    assert len(many) == len(few), "\n".join(s[:160] for s in many)
    assert Contact.objects.count() == 210
