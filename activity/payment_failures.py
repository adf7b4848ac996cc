"""What to tell a customer about a failed payment, from the provider's decline code.

Codes are Stripe's (https://docs.stripe.com/declines/codes), which most
providers resemble. The customer reads a plain sentence; the team's alerts keep
the raw code. Declines Stripe says not to explain (a card reported lost or
stolen, suspected fraud) read as a generic decline, as Stripe advises.
"""

import re

GENERIC_DECLINE = (
    "Your bank declined the payment without saying why. Your bank can tell you more, "
    "or you can use another card."
)
_TEMPORARY = (
    "There was a temporary problem processing the card. Trying again in a little while "
    "usually works."
)
_NOT_SUPPORTED = "The card does not support this kind of payment; another card usually works."
_LIMIT = "The card has reached its spending limit for now."

DECLINE_REASONS = {
    "insufficient_funds": "The card did not have enough funds available for this payment.",
    "expired_card": "The card has expired.",
    "incorrect_cvc": "The security code (CVC) did not match the card.",
    "invalid_cvc": "The security code (CVC) did not match the card.",
    "incorrect_number": "The card number was not accepted; it may have been mistyped.",
    "invalid_number": "The card number was not accepted; it may have been mistyped.",
    "invalid_expiry_month": "The card's expiry date was not accepted.",
    "invalid_expiry_year": "The card's expiry date was not accepted.",
    "incorrect_zip": "The postcode did not match the card's billing address.",
    "authentication_required": (
        "Your bank asked for the payment to be confirmed (for example in your banking app), "
        "and it was not confirmed in time."
    ),
    "card_velocity_exceeded": _LIMIT,
    "withdrawal_count_limit_exceeded": _LIMIT,
    "processing_error": _TEMPORARY,
    "try_again_later": _TEMPORARY,
    "issuer_not_available": _TEMPORARY,
    "reenter_transaction": _TEMPORARY,
    "card_not_supported": _NOT_SUPPORTED,
    "currency_not_supported": _NOT_SUPPORTED,
    "transaction_not_allowed": _NOT_SUPPORTED,
    "service_not_allowed": _NOT_SUPPORTED,
    "not_permitted": _NOT_SUPPORTED,
    "duplicate_transaction": (
        "An identical payment was made very recently, so the bank stopped this one as a "
        "possible duplicate."
    ),
    # card_declined, generic_decline, do_not_honor, lost_card, stolen_card, fraudulent,
    # pickup_card, … and any code not listed: GENERIC_DECLINE.
}
# A provider's code (`card_declined`), as opposed to a sentence written for people.
_CODE = re.compile(r"^[A-Za-z0-9_.\-]+$")


def explain_payment_failure(reason: str) -> str:
    """A sentence for the customer about `reason` ("" when there is none).

    A known code gets its sentence, any other code the generic one; a reason
    that is already a sentence (a provider's own message) is passed on.
    """
    reason = (reason or "").strip()
    if not reason:
        return ""
    if _CODE.match(reason):
        return DECLINE_REASONS.get(reason.lower(), GENERIC_DECLINE)
    return reason
