"""Money as people read it: "$4,700.00", "€12.50", "¥4,700", "CHF 99.00".

One function for every page and text that shows an amount, so a currency is
never printed as a raw code after a bare number ("4700.00 USD"). Symbols follow
the English (CLDR "en") convention, where only the US dollar is a bare "$";
zero-decimal currencies (the yen, the won …) show no cents, as their payment
providers charge them.
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

# Currencies without minor units (Stripe's list of zero-decimal currencies).
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
    no_cents = whole or code in ZERO_DECIMAL
    value = value.quantize(Decimal(1) if no_cents else Decimal("0.01"), rounding=ROUND_HALF_UP)
    number = f"{abs(value):,.0f}" if no_cents else f"{abs(value):,.2f}"
    symbol = SYMBOLS.get(code, f"{code}\u00a0" if code else "")
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{number}"
