"""activity.services.payments.record_payment: invoice payments from the provider."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import Account
from activity import signals
from activity.models import Payment, PaymentStatus
from activity.services.payments import record_payment
from core.causes import CauseKind
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
PAID_AT = NOW - timedelta(minutes=10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def pay(account, cause, **fields):
    """Report a payment as the Stripe webhook does; `fields` override the defaults."""
    defaults = {"external_id": "in_1001", "amount": Decimal("99.00"), "succeeded": True}
    return record_payment(account=account, cause=cause, **{**defaults, **fields})


def test_a_successful_payment_is_stored_as_reported(account, by_api):
    payment, created = pay(account, by_api, currency="eur", occurred_at=PAID_AT)

    assert created is True
    payment.refresh_from_db()
    assert (payment.account, payment.external_id, payment.amount, payment.currency) == (
        account,
        "in_1001",
        Decimal("99.00"),
        "EUR",
    )
    assert (payment.status, payment.occurred_at, payment.failure_reason) == (
        PaymentStatus.SUCCEEDED,
        PAID_AT,
        "",
    )
    assert (payment.cause_kind, payment.cause_reason) == (CauseKind.API, "event evt_1")


def test_a_failed_payment_keeps_the_reason_it_failed(account, by_api):
    payment, _ = pay(account, by_api, succeeded=False, failure_reason="card_declined")

    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason, payment.occurred_at) == (
        PaymentStatus.FAILED,
        "card_declined",
        NOW,
    )


def test_second_identical_payment_is_stored_once(account, by_api):
    first, _ = pay(account, by_api)

    again, created = pay(account, by_api)

    assert (again.pk, created) == (first.pk, False)
    assert Payment.objects.count() == 1


def test_an_invoice_that_failed_and_was_then_paid_is_two_records(account, by_api):
    pay(account, by_api, external_id="ch_1", invoice_id="in_1001", succeeded=False)

    _, created = pay(account, by_api, external_id="ch_2", invoice_id="in_1001", succeeded=True)

    assert created is True
    assert sorted(Payment.objects.values_list("status", flat=True)) == [
        PaymentStatus.FAILED,
        PaymentStatus.SUCCEEDED,
    ]


def test_each_failed_retry_of_an_invoice_is_its_own_record(account, by_api):
    # Playbook e2 escalates on the third failure in 30 days: all three must count.
    for attempt in (1, 2, 3):
        pay(account, by_api, external_id=f"ch_{attempt}", invoice_id="in_7", succeeded=False)

    assert Payment.objects.filter(invoice_id="in_7", status=PaymentStatus.FAILED).count() == 3


def test_an_attempt_reported_again_with_the_other_outcome_is_refused(account, by_api):
    pay(account, by_api, succeeded=False)

    with pytest.raises(ValidationError) as refusal:
        pay(account, by_api, succeeded=True)

    assert refusal.value.code == "payment_conflict"
    assert Payment.objects.get().status == PaymentStatus.FAILED


@pytest.mark.parametrize("amount", ["1e12", Decimal("12345678901.00")])
def test_an_amount_too_large_for_the_ledger_is_refused(account, by_api, amount):
    with pytest.raises(ValidationError, match="too large"):
        pay(account, by_api, amount=amount)
    assert Payment.objects.count() == 0


def test_an_overlong_provider_id_is_refused(account, by_api):
    with pytest.raises(ValidationError, match="longer than 100 characters"):
        pay(account, by_api, external_id="ch_" + "x" * 120)
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "code", "message"),
    [
        ({"amount": Decimal("-5.00")}, "negative_amount", "A payment amount cannot be negative."),
        ({"currency": "US"}, "invalid_currency", "'US' is not a currency code."),
        ({"currency": "EURO"}, "invalid_currency", "'EURO' is not a currency code."),
        ({"currency": "€12"}, "invalid_currency", "'€12' is not a currency code."),
        ({"external_id": "  "}, "required", "A payment needs the provider's id."),
        ({"occurred_at": datetime(2025, 7, 1, 7)}, "naive_datetime", "must include a timezone"),
        ({"occurred_at": NOW + timedelta(hours=1)}, "future_datetime", "is in the future"),
    ],
)
def test_a_bad_payment_is_refused_and_nothing_is_written(account, by_api, fields, code, message):
    with pytest.raises(ValidationError) as refusal:
        pay(account, by_api, **fields)

    assert refusal.value.code == code
    assert message in refusal.value.messages[0]
    assert Payment.objects.count() == 0


@pytest.mark.parametrize("amount", ["ninety-nine", "NaN", None])
def test_an_amount_that_is_not_a_number_is_refused(account, by_api, amount):
    # A webhook's JSON can carry anything; it must be refused, not crash the request.
    with pytest.raises(ValidationError) as refusal:
        pay(account, by_api, amount=amount)

    assert "amount" in refusal.value.messages[0].lower()
    assert Payment.objects.count() == 0


def test_a_payment_id_already_used_by_another_account_is_refused(account, by_api):
    other = AccountFactory()
    pay(other, by_api, external_id="in_2002")

    for succeeded in (True, False):
        with pytest.raises(ValidationError) as refusal:
            pay(account, by_api, external_id="in_2002", succeeded=succeeded)
        assert refusal.value.code == "payment_conflict"
        assert refusal.value.messages == [
            "Payment 'in_2002' is already recorded for another account."
        ]
    assert list(Payment.objects.values_list("account", flat=True)) == [other.pk]


def test_a_payment_for_a_deleted_account_is_refused(account, by_api):
    Account.objects.filter(pk=account.pk).delete()

    with pytest.raises(ValidationError, match="does not exist"):
        pay(account, by_api)
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("succeeded", "signal"),
    [(True, signals.payment_succeeded), (False, signals.payment_failed)],
)
def test_a_payment_is_announced_once_after_commit_by_its_outcome(
    account, by_api, received, django_capture_on_commit_callbacks, succeeded, signal
):
    sent, other_outcome = (
        received(signal),
        received(signals.payment_failed if succeeded else signals.payment_succeeded),
    )

    with django_capture_on_commit_callbacks(execute=True):
        payment, _ = pay(account, by_api, succeeded=succeeded)
        pay(account, by_api, succeeded=succeeded)
        assert sent == []

    assert sent == [
        {"sender": Payment, "account_id": account.pk, "payment_id": payment.pk, "cause": by_api}
    ]
    assert other_outcome == []


def test_a_rolled_back_payment_is_not_announced(
    account, by_api, received, rolled_back, django_capture_on_commit_callbacks
):
    sent = received(signals.payment_succeeded)

    with django_capture_on_commit_callbacks(execute=True), rolled_back():
        pay(account, by_api)

    assert sent == []
    assert Payment.objects.count() == 0
