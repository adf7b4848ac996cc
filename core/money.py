"""Money as people read it: "$4,700.00", "€12.50", "¥4,700", "CHF 99.00".

One function for every page and text that shows an amount, so a currency is
never printed as a raw code after a bare number ("4700.00 USD"). Symbols follow
the English (CLDR "en") convention, where only the US dollar is a bare "$";
each currency shows its own number of decimals (ISO 4217's minor unit:
none for the yen and the won, three for the Bahraini or Kuwaiti dinar).

The same table turns a payment provider's integer amounts ("smallest currency
unit": cents, yen, fils) into amounts, so ¥5,000 arrives as 5000 and stays 5000.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "CN¥",
    "INR": "₹",
    "KRW": "₩",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "MXN": "MX$",
    "BRL": "R$",
    "HKD": "HK$",
    "SGD": "SGD\u00a0",
    "ILS": "₪",
    "VND": "₫",
    "PHP": "₱",
    "TWD": "NT$",
}

# Currencies without minor units (ISO 4217 exponent 0; also Stripe's list of
# zero-decimal currencies, whose amounts it sends in whole units).
ZERO_DECIMAL = frozenset(
    [
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "ISK",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "UGX",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    ]
)


# Currencies with three decimals (ISO 4217 exponent 3): amounts in fils / millimes.
THREE_DECIMAL = frozenset(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])


def minor_unit_exponent(currency: str | None) -> int:
    """How many decimals `currency` has (ISO 4217): 0 for JPY, 3 for KWD, else 2."""
    code = (currency or "").upper().strip()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def from_minor_units(amount: object, currency: str | None) -> Decimal:
    """A provider's amount in the currency's smallest unit as an amount: 4950 USD → 49.50.

    `amount` may be an integer or a decimal string (Stripe's `*_decimal` fields,
    which may carry fractions of the smallest unit). Raises ArithmeticError or
    ValueError on anything that is not a finite number.
    """
    if isinstance(amount, bool) or not isinstance(amount, int | str | Decimal):
        raise ValueError(f"{amount!r} is not an amount in minor units.")
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount in minor units.")
    return value.scaleb(-minor_unit_exponent(currency))


def quantize_money(amount: Decimal, currency: str | None) -> Decimal:
    """`amount` rounded to the currency's own decimals (half up), as it would be charged."""
    places = Decimal(1).scaleb(-minor_unit_exponent(currency))
    return amount.quantize(places, rounding=ROUND_HALF_UP)


def format_money(amount: object, currency: str | None, *, whole: bool = False) -> str:
    """`amount` in `currency` (an ISO 4217 code), grouped by thousands, e.g. "$4,700.00".

    A currency without a symbol here is written before the number ("CHF 99.00");
    a negative amount keeps its sign in front ("-$5.00"). `whole` rounds to whole
    units ("$4,700"), for totals and cards where cents are noise. Anything that is
    not a number is returned as it came, so a template never breaks on bad data.
    """
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        return "" if amount is None else str(amount)
    code = (currency or "").upper().strip()
    exponent = 0 if whole else minor_unit_exponent(code)
    places = Decimal(1).scaleb(-exponent)
    value = value.quantize(places, rounding=ROUND_HALF_UP)
    number = f"{abs(value):,.{exponent}f}"
    symbol = SYMBOLS.get(code, f"{code}\u00a0" if code else "")
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{number}"
