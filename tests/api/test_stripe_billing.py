"""Stripe's billing model, end to end: Stripe-shaped events in, payments, subscriptions,
MRR, lifecycle and messages out. One test (at least) per defect of issue #23."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from accounts.models import (
    AccountEvent,
    AccountEventKind,
    Lifecycle,
    Plan,
    PlanMapping,
    Subscription,
)
from activity.models import Payment, PaymentStatus
from api.models import InboundEvent
from api.stripe import HANDLED_EVENT_TYPES
from tests.api import stripe_objects as so
from tests.api.conftest import row_counts
from tests.factories import AccountFactory, ContactFactory
from tests.workflows.outcomes import emails_to
from workflows.models import TriggerEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
# When it happened at Stripe: a retried delivery comes well after.
HAPPENED = NOW - timedelta(days=2, hours=3)
PERIOD_END = datetime(2025, 7, 28, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = so.SECRET
    settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300


@pytest.fixture
def acme():
    return AccountFactory(
        external_id="acme",
        billing_customer_id=so.CUSTOMER,
        plan=Plan.STARTER,
        mrr=Decimal("99.00"),
        currency="USD",
    )


def send(client, kind, obj, *, event_id="evt_1", created=HAPPENED):
    return so.send(client, so.event(kind, obj, created=created, event_id=event_id), at=NOW)


def updated(client, subscription, **kwargs):
    return send(client, "customer.subscription.updated", subscription, **kwargs)


def triggers(kind: str) -> list[TriggerEvent]:
    return list(TriggerEvent.objects.filter(kind=kind))


# --- 1. amounts in the currency's own unit ------------------------------------------------


def test_a_yen_invoice_is_stored_as_yen_not_divided_by_100(client, acme):
    response = send(client, "invoice.paid", so.invoice(currency="jpy", amount_paid=5000))

    assert response.json() == {"status": "accepted"}
    paid = Payment.objects.get()
    assert (paid.amount, paid.currency) == (Decimal("5000"), "JPY")


@pytest.mark.parametrize(
    ("currency", "minor", "amount"),
    [
        ("kwd", 12345, "12.345"),
        ("bhd", 1000, "1.000"),
        ("usd", 4950, "49.50"),
        ("krw", 9900, "9900"),
    ],
)
def test_each_currency_uses_its_own_exponent(client, acme, currency, minor, amount):
    send(client, "invoice.paid", so.invoice(currency=currency, amount_paid=minor))

    assert Payment.objects.get().amount == Decimal(amount)


def test_the_receipt_says_5000_yen(client, acme, django_capture_on_commit_callbacks):
    ContactFactory(account=acme, email="jordan@acme.example", is_primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        send(client, "invoice.paid", so.invoice(currency="jpy", amount_paid=5000))

    [receipt] = emails_to("jordan@acme.example")
    assert "Amount: ¥5,000\n" in receipt.body
    assert "50.00" not in receipt.body


def test_the_failure_email_says_the_dinar_amount_with_three_decimals(
    client, acme, django_capture_on_commit_callbacks
):
    ContactFactory(account=acme, email="jordan@acme.example", is_primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        send(client, "invoice.payment_failed", so.failed_invoice(currency="kwd", amount_due=12345))

    [email] = emails_to("jordan@acme.example")
    assert "your payment of KWD\u00a012.345" in email.body


# --- 2. subscription.updated is never refused for an unmapped plan ------------------------


def test_stripes_own_subscription_fixture_is_accepted_and_recorded(client, acme):
    response = updated(client, so.subscription(so.item(quantity=2)))

    assert (response.status_code, response.json()) == (200, {"status": "accepted"})
    row = Subscription.objects.get()
    assert (row.external_id, row.status, row.plan, row.mrr, row.account) == (
        "sub_1MowQVLkdIwHu7ixeRlqHVzs",
        "active",
        "",
        Decimal("20.00"),
        acme,
    )
    assert row.items == [
        {
            "id": "si_NcLYdDxLHxlFo7",
            "price": "price_1MoBy5LkdIwHu7ixZhnattbh",
            "product": "prod_NZKdYqrwEYx6iK",
            "quantity": 2,
        }
    ]
    acme.refresh_from_db()
    # No plan is known, so the account keeps its own; its MRR is Stripe's.
    assert (acme.plan, acme.mrr) == (Plan.STARTER, Decimal("20.00"))


def test_an_unknown_lookup_key_is_accepted_and_keeps_the_plan(client, acme):
    response = updated(client, so.subscription(so.item(so.price(lookup_key="gold"))))

    assert response.status_code == 200
    acme.refresh_from_db()
    assert (acme.plan, acme.mrr) == (Plan.STARTER, Decimal("10.00"))


@pytest.mark.parametrize("billing_id", ["price_1MoBy5LkdIwHu7ixZhnattbh", "prod_NZKdYqrwEYx6iK"])
def test_a_price_or_product_mapped_in_the_admin_sets_the_plan(client, acme, billing_id):
    PlanMapping.objects.create(billing_id=billing_id, plan=Plan.BUSINESS)

    updated(client, so.subscription())

    acme.refresh_from_db()
    assert acme.plan == Plan.BUSINESS
    assert Subscription.objects.get().plan == Plan.BUSINESS


def test_the_mapping_wins_over_the_lookup_key_and_a_price_over_its_product(client, acme):
    PlanMapping.objects.create(billing_id="prod_NZKdYqrwEYx6iK", plan=Plan.PRO)
    PlanMapping.objects.create(billing_id="price_1MoBy5LkdIwHu7ixZhnattbh", plan=Plan.ENTERPRISE)

    updated(client, so.subscription(so.item(so.price(lookup_key="starter"))))

    acme.refresh_from_db()
    assert acme.plan == Plan.ENTERPRISE


def test_a_trial_is_recorded_with_its_plan_and_no_mrr(client, acme):
    updated(client, so.subscription(so.item(so.price(lookup_key="pro")), status="trialing"))

    acme.refresh_from_db()
    assert (acme.plan, acme.mrr, acme.lifecycle) == (Plan.PRO, Decimal("0"), Lifecycle.ACTIVE)


# --- 3. MRR from every item, quantity, interval, amount and discount ----------------------


def mrr_of(client, acme, subscription) -> Decimal:
    response = updated(client, subscription)
    assert response.status_code == 200, response.json()
    acme.refresh_from_db()
    return acme.mrr


@pytest.mark.parametrize(
    ("price_fields", "quantity", "expected"),
    [
        pytest.param(
            {"unit_amount": 30000, "unit_amount_decimal": "30000", "interval_count": 3},
            1,
            "100.00",
            id="every-3-months",
        ),
        pytest.param(
            {"unit_amount": 120000, "unit_amount_decimal": "120000", "interval": "year"},
            1,
            "100.00",
            id="yearly",
        ),
        pytest.param(
            {
                "unit_amount": 10000,
                "unit_amount_decimal": "10000",
                "interval": "year",
                "interval_count": 2,
            },
            3,
            "12.50",
            id="every-2-years",
        ),
        pytest.param(
            {"unit_amount": 1000, "unit_amount_decimal": "1000", "interval": "week"},
            1,
            "43.45",
            id="weekly",
        ),
        pytest.param(
            {"unit_amount": 100, "unit_amount_decimal": "100", "interval": "day"},
            1,
            "30.42",
            id="daily",
        ),
        pytest.param(
            {"unit_amount": None, "unit_amount_decimal": "1250.5"}, 2, "25.01", id="decimal-cents"
        ),
        pytest.param({"usage_type": "metered"}, 1, "0.00", id="metered"),
    ],
)
def test_mrr_follows_interval_count_and_amount(client, acme, price_fields, quantity, expected):
    subscription = so.subscription(so.item(so.price(**price_fields), quantity=quantity))

    assert mrr_of(client, acme, subscription) == Decimal(expected)


def test_mrr_counts_every_item_times_its_quantity(client, acme):
    seats = so.item(so.price(unit_amount=1500, unit_amount_decimal="1500"), quantity=4)
    addon = so.item(
        so.price(
            id="price_addon", product="prod_addon", unit_amount=900, unit_amount_decimal="900"
        ),
        quantity=1,
        item_id="si_addon",
    )

    assert mrr_of(client, acme, so.subscription(seats, addon)) == Decimal("69.00")


TIERS = [
    {
        "flat_amount": 1000,
        "flat_amount_decimal": "1000",
        "unit_amount": 500,
        "unit_amount_decimal": "500",
        "up_to": 5,
    },
    {
        "flat_amount": None,
        "flat_amount_decimal": None,
        "unit_amount": 400,
        "unit_amount_decimal": "400",
        "up_to": 10,
    },
    {
        "flat_amount": None,
        "flat_amount_decimal": None,
        "unit_amount": 300,
        "unit_amount_decimal": "300",
        "up_to": None,
    },
]


@pytest.mark.parametrize(
    ("mode", "quantity", "expected"),
    [
        # graduated: 10.00 flat + 5 × 5.00 + 5 × 4.00 + 2 × 3.00
        ("graduated", 12, "61.00"),
        ("graduated", 3, "25.00"),
        # volume: all 12 at the third tier's 3.00
        ("volume", 12, "36.00"),
        ("volume", 3, "25.00"),
    ],
)
def test_mrr_of_a_tiered_price(client, acme, mode, quantity, expected):
    tiered = so.price(
        billing_scheme="tiered",
        tiers_mode=mode,
        tiers=TIERS,
        unit_amount=None,
        unit_amount_decimal=None,
    )

    assert mrr_of(client, acme, so.subscription(so.item(tiered, quantity=quantity))) == Decimal(
        expected
    )


def test_a_tiered_price_sent_without_its_tiers_keeps_the_mrr_it_had(client, acme):
    updated(client, so.subscription(so.item(quantity=3)), event_id="evt_a")
    unexpanded = so.price(
        billing_scheme="tiered", tiers_mode="graduated", unit_amount=None, unit_amount_decimal=None
    )

    response = updated(
        client,
        so.subscription(so.item(unexpanded, quantity=3)),
        event_id="evt_b",
        created=HAPPENED + timedelta(hours=1),
    )

    assert response.status_code == 200
    acme.refresh_from_db()
    assert acme.mrr == Decimal("30.00")


@pytest.mark.parametrize(
    ("the_coupon", "expected"),
    [
        pytest.param(so.coupon(percent_off=25.5), "74.50", id="percent-forever"),
        pytest.param(
            so.coupon(
                percent_off=None,
                amount_off=1500,
                currency="usd",
                duration="repeating",
                duration_in_months=3,
            ),
            "85.00",
            id="amount-repeating",
        ),
        pytest.param(
            so.coupon(percent_off=50, duration="once"), "100.00", id="once-is-not-recurring"
        ),
        pytest.param(
            so.coupon(percent_off=None, amount_off=1500, currency="eur"),
            "100.00",
            id="other-currency",
        ),
    ],
)
def test_mrr_after_the_subscriptions_discount(client, acme, the_coupon, expected):
    subscription = so.subscription(
        so.item(so.price(unit_amount=10000, unit_amount_decimal="10000")),
        discount=so.discount(the_coupon),
        discounts=[so.discount(the_coupon)],
    )

    assert mrr_of(client, acme, subscription) == Decimal(expected)


def test_a_discount_sent_as_an_id_only_changes_nothing(client, acme):
    subscription = so.subscription(discounts=["di_1MtJUtLkdIwHu7ixvdW2dcDM"])

    assert mrr_of(client, acme, subscription) == Decimal("10.00")


def test_a_yen_subscription_is_mrr_in_yen(client, acme):
    yen = so.price(currency="jpy", unit_amount=5000, unit_amount_decimal="5000")

    assert mrr_of(client, acme, so.subscription(so.item(yen), currency="jpy")) == Decimal("5000")
    acme.refresh_from_db()
    assert acme.currency == "JPY"


# --- 4. subscriptions as rows: churn only when none is live, reactivation ----------------


def second(**fields):
    return so.subscription(
        so.item(
            so.price(id="price_2", product="prod_2", unit_amount=5000, unit_amount_decimal="5000"),
            item_id="si_2",
        ),
        sub_id="sub_second",
        **fields,
    )


def test_cancelling_one_of_two_subscriptions_does_not_churn(client, acme):
    updated(client, so.subscription(), event_id="evt_a")
    updated(client, second(), event_id="evt_b")
    acme.refresh_from_db()
    assert acme.mrr == Decimal("60.00")

    send(
        client,
        "customer.subscription.deleted",
        so.subscription(status="canceled"),
        event_id="evt_c",
    )

    acme.refresh_from_db()
    assert (acme.lifecycle, acme.mrr) == (Lifecycle.ACTIVE, Decimal("50.00"))
    assert not triggers("subscription_cancelled")


def test_cancelling_the_last_live_subscription_churns_once(client, acme):
    updated(client, so.subscription(), event_id="evt_a")
    updated(client, second(), event_id="evt_b")
    send(
        client,
        "customer.subscription.deleted",
        so.subscription(status="canceled"),
        event_id="evt_c",
    )

    send(client, "customer.subscription.deleted", second(status="canceled"), event_id="evt_d")

    acme.refresh_from_db()
    assert (acme.lifecycle, acme.mrr, acme.renewal_date) == (Lifecycle.CHURNED, Decimal("0"), None)
    [churn] = triggers("subscription_cancelled")
    assert churn.data["mrr_lost"] == "50.00"


def test_a_new_subscription_reactivates_a_churned_account(client, acme):
    send(
        client,
        "customer.subscription.deleted",
        so.subscription(status="canceled"),
        event_id="evt_a",
    )
    acme.refresh_from_db()
    assert acme.lifecycle == Lifecycle.CHURNED

    response = send(
        client,
        "customer.subscription.created",
        second(
            items={
                "object": "list",
                "data": [
                    so.item(
                        so.price(lookup_key="pro", unit_amount=5000, unit_amount_decimal="5000"),
                        item_id="si_2",
                    )
                ],
            }
        ),
        event_id="evt_b",
    )

    assert response.json() == {"status": "accepted"}
    acme.refresh_from_db()
    assert (acme.lifecycle, acme.plan, acme.mrr) == (Lifecycle.ACTIVE, Plan.PRO, Decimal("50.00"))
    [event] = AccountEvent.objects.filter(kind=AccountEventKind.REACTIVATED)
    assert event.data == {"how": "subscription"}
    [trigger] = triggers("account_reactivated")
    assert trigger.data == {"how": "subscription", "mrr": "50.00", "plan": "pro"}


def test_a_paid_invoice_reactivates_a_churned_account(client, acme):
    send(
        client,
        "customer.subscription.deleted",
        so.subscription(status="canceled"),
        event_id="evt_a",
    )

    send(client, "invoice.paid", so.invoice(subscription="sub_new"), event_id="evt_b")

    acme.refresh_from_db()
    assert acme.lifecycle == Lifecycle.ACTIVE
    assert triggers("account_reactivated")[0].data["how"] == "payment"


def test_the_final_invoice_of_an_ended_subscription_does_not_reactivate(client, acme):
    send(
        client,
        "customer.subscription.deleted",
        so.subscription(status="canceled"),
        event_id="evt_a",
    )

    send(client, "invoice.paid", so.invoice(), event_id="evt_b")

    acme.refresh_from_db()
    assert acme.lifecycle == Lifecycle.CHURNED
    assert Payment.objects.count() == 1
    assert not triggers("account_reactivated")


def test_a_late_older_update_does_not_revive_an_ended_subscription(client, acme):
    send(
        client,
        "customer.subscription.deleted",
        so.subscription(status="canceled"),
        event_id="evt_b",
    )

    # Stripe does not promise order: the update from before the cancellation comes last.
    response = updated(
        client, so.subscription(), event_id="evt_a", created=HAPPENED - timedelta(hours=1)
    )

    assert response.json() == {"status": "accepted"}
    acme.refresh_from_db()
    assert acme.lifecycle == Lifecycle.CHURNED
    assert Subscription.objects.get().status == "canceled"


def test_a_churned_account_is_reactivated_by_a_payment_through_the_events_api(api, acme, by_api):
    from accounts.services import cancel_subscription

    cancel_subscription(account=acme, cause=by_api)

    response = api.send(
        {
            "id": "evt_p",
            "type": "payment.succeeded",
            "account": "acme",
            "payment_id": "ch_9",
            "amount": "99.00",
        }
    )

    assert response.status_code in (200, 202), response.json()
    acme.refresh_from_db()
    assert acme.lifecycle == Lifecycle.ACTIVE


def test_an_account_churned_by_hand_stays_churned_while_stripe_reports_no_change(
    client, acme, by_api
):
    from accounts.services import cancel_subscription

    updated(client, so.subscription(), event_id="evt_a")
    cancel_subscription(account=acme, cause=by_api)

    updated(client, so.subscription(metadata={"note": "x"}), event_id="evt_b", created=NOW)

    acme.refresh_from_db()
    assert (acme.lifecycle, acme.mrr) == (Lifecycle.CHURNED, Decimal("0"))


def test_the_renewal_date_is_the_live_subscriptions_period_end(client, acme):
    updated(client, so.subscription(current_period_end=int(PERIOD_END.timestamp())))

    acme.refresh_from_db()
    assert acme.renewal_date == date(2025, 7, 28)
    assert Subscription.objects.get().current_period_end == PERIOD_END


def test_the_renewal_date_comes_from_the_items_on_newer_api_versions(client, acme):
    # Since 2025-03-31 the period is on each item, not on the subscription.
    newer = so.subscription(so.item(current_period_end=int(PERIOD_END.timestamp())))
    del newer["current_period_end"]

    updated(client, newer)

    acme.refresh_from_db()
    assert acme.renewal_date == date(2025, 7, 28)


# --- 5. the failure reason is the attempt's decline, dated by Stripe ---------------------


def test_the_decline_code_comes_from_the_expanded_payment_intent(client, acme):
    failed = so.failed_invoice(
        payment_intent=so.payment_intent(),
        last_finalization_error={
            "code": "customer_tax_location_invalid",
            "message": "Tax location",
        },
    )

    send(client, "invoice.payment_failed", failed)

    payment = Payment.objects.get()
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED, "expired_card")
    [trigger] = triggers("payment_failed")
    assert trigger.data["failure_explanation"] == "The card has expired."


def test_the_decline_code_comes_from_the_expanded_charge(client, acme):
    send(client, "invoice.payment_failed", so.failed_invoice(charge=so.charge()))

    payment = Payment.objects.get()
    assert payment.failure_reason == "insufficient_funds"
    assert payment.occurred_at == datetime.fromtimestamp(1680644470, tz=UTC)


def test_a_charge_failed_event_before_the_invoice_gives_it_its_reason(client, acme):
    send(client, "charge.failed", so.charge(), event_id="evt_charge")

    send(client, "invoice.payment_failed", so.failed_invoice(), event_id="evt_invoice")

    assert Payment.objects.get().failure_reason == "insufficient_funds"
    assert triggers("payment_failed")[0].data["failure_explanation"] == (
        "The card did not have enough funds available for this payment."
    )


def test_a_payment_intent_event_after_the_invoice_fills_in_its_reason(client, acme):
    send(client, "invoice.payment_failed", so.failed_invoice(), event_id="evt_invoice")
    assert Payment.objects.get().failure_reason == ""

    send(client, "payment_intent.payment_failed", so.payment_intent(), event_id="evt_pi")

    assert Payment.objects.get().failure_reason == "expired_card"
    assert Payment.objects.count() == 1


def test_a_retried_attempt_does_not_take_the_previous_attempts_decline(client, acme):
    # The invoice names no charge; its payment intent is retried for each attempt.
    send(client, "payment_intent.payment_failed", so.payment_intent(), event_id="evt_pi1")
    first = so.failed_invoice(charge=None, attempt_count=1)
    send(client, "invoice.payment_failed", first, event_id="evt_in1")

    retry = so.failed_invoice(charge=None, attempt_count=2)
    send(client, "invoice.payment_failed", retry, event_id="evt_in2", created=NOW)

    assert list(
        Payment.objects.order_by("occurred_at").values_list("failure_reason", flat=True)
    ) == [
        "expired_card",
        "",
    ]


def test_without_a_decline_the_customer_reads_the_generic_sentence_not_a_code(client, acme):
    send(client, "invoice.payment_failed", so.failed_invoice(last_finalization_error={"code": "x"}))

    [trigger] = triggers("payment_failed")
    assert trigger.data["failure_reason"] == ""
    assert trigger.data["failure_explanation"] == ""


def test_an_attempt_is_dated_by_stripe_not_by_the_delivery(client, acme):
    send(client, "invoice.payment_failed", so.failed_invoice(), created=HAPPENED)

    assert Payment.objects.get().occurred_at == HAPPENED.replace(microsecond=0)


# --- 6. a $0.00 invoice is no payment -----------------------------------------------------


def test_a_zero_invoice_sends_no_receipt_and_earns_no_points(
    client, acme, django_capture_on_commit_callbacks
):
    ContactFactory(account=acme, email="jordan@acme.example", is_primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client, "invoice.paid", so.invoice(amount_due=0, amount_paid=0, charge=None)
        )

    assert response.json() == {"status": "accepted"}
    assert Payment.objects.count() == 0
    assert emails_to("jordan@acme.example") == []
    acme.refresh_from_db()
    assert acme.score == 0
    # Answered once: a redelivery is a duplicate.
    assert InboundEvent.objects.filter(sender="stripe").count() == 1


def test_zero_invoices_can_be_recorded_by_setting(client, acme, settings):
    settings.STRIPE_RECORD_ZERO_INVOICES = True

    send(client, "invoice.paid", so.invoice(amount_due=0, amount_paid=0, charge=None))

    assert Payment.objects.get().amount == Decimal("0")


# --- 7. thin events and the documented list -----------------------------------------------


def test_a_thin_v2_event_is_acknowledged_and_ignored(client, acme):
    before = row_counts()

    response = so.send(client, so.thin_event(), at=NOW)

    assert (response.status_code, response.json()["status"]) == (200, "ignored")
    assert "Thin" in response.json()["detail"]
    assert row_counts() == before


def test_the_readme_lists_every_handled_event_type():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Connect Stripe") :]
    section = section[: section.index("\n## ", 5)]
    for kind in HANDLED_EVENT_TYPES:
        assert f"`{kind}`" in section, kind
    assert "thin" in section.lower()


# --- bad input: 4xx, never 5xx, nothing written -------------------------------------------


def bad_events():
    deep = "[" * 100_000 + "]" * 100_000
    return [
        pytest.param(
            json.dumps(
                so.event(
                    "invoice.paid", so.invoice(), created=HAPPENED, event_id="evt_" + "x" * 200
                )
            ),
            id="id-over-200",
        ),
        pytest.param(
            json.dumps(
                so.event("invoice.paid", so.invoice(), created=HAPPENED, event_id="evt_\u0000")
            ),
            id="nul-in-id",
        ),
        pytest.param(
            json.dumps(
                so.event("invoice.paid", so.invoice(customer="cus_\u0000"), created=HAPPENED)
            ),
            id="nul-in-customer",
        ),
        pytest.param(
            json.dumps(
                so.event(
                    "customer.subscription.updated",
                    so.subscription(customer="cus_\u0000"),
                    created=HAPPENED,
                )
            ),
            id="nul-in-subscription-customer",
        ),
        pytest.param(
            '{"id": "evt_1", "type": "invoice.paid", "data": {"object": ' + deep + "}}",
            id="100000-deep",
        ),
        pytest.param(deep, id="100000-deep-alone"),
        pytest.param(
            json.dumps(
                so.event(
                    "invoice.paid",
                    {"id": "in_1", "customer": so.CUSTOMER, "x": json.loads("[" * 70 + "]" * 70)},
                    created=HAPPENED,
                )
            ),
            id="70-deep",
        ),
    ]


@pytest.mark.parametrize("body", bad_events())
def test_a_malformed_signed_event_is_400_and_writes_nothing(client, acme, body):
    before = row_counts()

    response = so.signed_post(client, body, at=NOW)

    assert response.status_code == 400, response.content[:200]
    assert response.json()["detail"]
    assert row_counts() == before


@pytest.mark.parametrize(
    "obj",
    [
        pytest.param(so.invoice(id="in_" + "x" * 200), id="invoice-id-over-200"),
        pytest.param(so.invoice(charge="ch_" + "x" * 200), id="charge-id-over-200"),
        pytest.param(so.invoice(amount_paid=10**40), id="huge-amount"),
        pytest.param(so.invoice(amount_paid=49.5), id="float-amount"),
        pytest.param(so.invoice(status_transitions={"paid_at": 10**15}), id="far-future-time"),
        pytest.param(so.invoice(currency="yen!"), id="bad-currency"),
    ],
)
def test_a_signed_invoice_with_bad_fields_is_422_and_writes_nothing(client, acme, obj):
    before = row_counts()

    response = send(client, "invoice.paid", obj)

    assert response.status_code == 422, response.json()
    assert row_counts() == before


@pytest.mark.parametrize(
    "subscription",
    [
        pytest.param(so.subscription(id="sub_" + "x" * 200), id="id-over-200"),
        pytest.param(so.subscription(status="dormant"), id="unknown-status"),
        pytest.param(
            so.subscription(so.item(so.price(interval="fortnight"))), id="unknown-interval"
        ),
        pytest.param(so.subscription(so.item(so.price(interval_count=0))), id="interval-count-0"),
        pytest.param(so.subscription(so.item(quantity=-1)), id="negative-quantity"),
        pytest.param(
            so.subscription(so.item(so.price(unit_amount_decimal="NaN"))), id="nan-amount"
        ),
        pytest.param(
            so.subscription(so.item(so.price(unit_amount_decimal="1e30"))), id="huge-amount"
        ),
        pytest.param(so.subscription(items={"data": "all"}), id="items-not-a-list"),
        pytest.param(so.subscription(current_period_end="tomorrow"), id="period-end-word"),
    ],
)
def test_a_signed_subscription_with_bad_fields_is_422_and_writes_nothing(
    client, acme, subscription
):
    before = row_counts()

    response = updated(client, subscription)

    assert response.status_code == 422, response.json()
    assert row_counts() == before
