"""What a customer is told about a failed payment, from the provider's decline code."""

import pytest

from activity.payment_failures import GENERIC_DECLINE, explain_payment_failure


@pytest.mark.parametrize(
    ("reason", "told"),
    [
        ("insufficient_funds", "The card did not have enough funds available for this payment."),
        ("expired_card", "The card has expired."),
        ("incorrect_cvc", "The security code (CVC) did not match the card."),
        ("authentication_required", "Your bank asked for the payment to be confirmed"),
        ("processing_error", "a temporary problem"),
        ("card_declined", GENERIC_DECLINE),
        # Stripe: never tell the customer a card was reported lost, stolen or fraudulent.
        ("stolen_card", GENERIC_DECLINE),
        ("fraudulent", GENERIC_DECLINE),
        ("INSUFFICIENT_FUNDS", "The card did not have enough funds available for this payment."),
    ],
)
def test_a_known_code_reads_as_a_plain_sentence(reason, told):
    assert told in explain_payment_failure(reason)
    assert reason.lower() not in explain_payment_failure(reason)


@pytest.mark.parametrize("reason", ["payment_failed", "some_new_code_2031", "do_not_honor"])
def test_an_unknown_or_unhelpful_code_gets_the_generic_sentence(reason):
    assert explain_payment_failure(reason) == GENERIC_DECLINE


def test_a_sentence_from_the_provider_is_passed_on_and_no_reason_says_nothing():
    assert explain_payment_failure("Your card has insufficient funds.") == (
        "Your card has insufficient funds."
    )
    assert explain_payment_failure("") == ""
