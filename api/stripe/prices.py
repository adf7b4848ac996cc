"""MRR from a Stripe subscription: every item, its quantity, price, interval and discounts.

Amounts are in the currency's smallest unit, as Stripe sends them, until the
very end (core.money.from_minor_units), so a yen price is never divided by 100.
A price is read from `unit_amount_decimal` (or `unit_amount`), or from its tiers
(`graduated` or `volume`); a legacy `plan` object on an item is read the same
way. Intervals are normalised to a month of 365/12 days, so a weekly price of
100 is 434.52 a month and "300 every 3 months" is 100.

`None` means "not known from this payload": a tiered price whose `tiers` Stripe
left out (it sends them only when expanded). The subscription then keeps the
MRR it had rather than dropping to 0. Metered (usage-based) prices add nothing:
their amount is not known in advance.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from core.money import from_minor_units

DAYS_PER_MONTH = Decimal(365) / 12
MONTHS_PER_INTERVAL = {
    "day": 1 / DAYS_PER_MONTH,
    "week": 7 / DAYS_PER_MONTH,
    "month": Decimal(1),
    "year": Decimal(12),
}
# The keys of a Price, and of the legacy Plan object some items still carry.
_PRICE_KEYS = {"unit": "unit_amount", "transform": "transform_quantity"}
_PLAN_KEYS = {"unit": "amount", "transform": "transform_usage"}
# Coupons that keep applying to renewals; "once" discounts only the first invoice.
_RECURRING_DURATIONS = {"forever", "repeating"}


def subscription_mrr(subscription: dict) -> Decimal | None:
    """The subscription's monthly recurring revenue in currency units (2 places), or None.

    Raises ValueError / TypeError / ArithmeticError on fields of the wrong shape.
    """
    currency = subscription.get("currency") or ""
    items = subscription_items(subscription)
    total = Decimal(0)
    months_per_invoice = None
    for item in items:
        monthly = item_monthly_amount(item)
        if monthly is None:
            return None
        total += monthly
        months_per_invoice = months_per_invoice or _months(item_price(item)[0])
    total = _discounted(
        total,
        _discounts(subscription),
        currency=currency,
        months_per_invoice=months_per_invoice or Decimal(1),
    )
    if not currency and items:
        currency = str(item_price(items[0])[0].get("currency") or "")
    return from_minor_units(total, currency).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def item_monthly_amount(item: dict) -> Decimal | None:
    """One subscription item's amount per month, in minor units (None: not known)."""
    price, keys = item_price(item)
    if (price.get("recurring") or {}).get("usage_type") == "metered" or (
        price.get("usage_type") == "metered"
    ):
        return Decimal(0)
    quantity = _quantity(item.get("quantity", 1), price.get(keys["transform"]))
    amount = _amount(price, quantity, keys)
    if amount is None:
        return None
    months = _months(price)
    per_invoice_discounts = [each for each in item.get("discounts") or [] if isinstance(each, dict)]
    amount = _discounted(
        amount,
        per_invoice_discounts,
        currency=str(price.get("currency") or ""),
        months_per_invoice=Decimal(1),
    )
    return amount / months


def subscription_items(subscription: dict) -> list[dict]:
    """The subscription's items (`items.data`), checked to be a list of objects."""
    items = subscription.get("items") or {}
    data = items.get("data") if isinstance(items, dict) else None
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise TypeError("items.data is not a list of subscription items.")
    return data


def item_price(item: dict) -> tuple[dict, dict]:
    """The item's price (or legacy plan) and the names of its fields."""
    price = item.get("price")
    if isinstance(price, dict):
        return price, _PRICE_KEYS
    plan = item.get("plan")
    if isinstance(plan, dict):
        return plan, _PLAN_KEYS
    raise TypeError("A subscription item has no price object.")


def _months(price: dict) -> Decimal:
    """How many months one billing interval of `price` lasts (3 for "every 3 months")."""
    recurring = price.get("recurring")
    source = recurring if isinstance(recurring, dict) else price
    interval = source.get("interval") or "month"
    if interval not in MONTHS_PER_INTERVAL:
        raise ValueError(f"Unknown billing interval {interval!r}.")
    count = source.get("interval_count")
    count = 1 if count is None else _whole(count, "interval_count")
    if count < 1:
        raise ValueError("interval_count must be at least 1.")
    return MONTHS_PER_INTERVAL[interval] * count


def _quantity(value: Any, transform: Any) -> int:
    """The billed quantity: the item's, divided and rounded as `transform_quantity` says."""
    quantity = _whole(1 if value is None else value, "quantity")
    if quantity < 0:
        raise ValueError("quantity cannot be negative.")
    if isinstance(transform, dict) and transform.get("divide_by"):
        divide_by = _whole(transform["divide_by"], "divide_by")
        if divide_by < 1:
            raise ValueError("divide_by must be at least 1.")
        rounding = ROUND_CEILING if transform.get("round") == "up" else ROUND_FLOOR
        quantity = int((Decimal(quantity) / divide_by).to_integral_value(rounding=rounding))
    return quantity


def _amount(price: dict, quantity: int, keys: dict) -> Decimal | None:
    """The price of `quantity` units for one interval, in minor units."""
    if price.get("billing_scheme") == "tiered":
        tiers = price.get("tiers")
        if not tiers:
            return None
        if not isinstance(tiers, list) or not all(isinstance(tier, dict) for tier in tiers):
            raise TypeError("tiers is not a list of tiers.")
        if price.get("tiers_mode") == "volume":
            return _volume(tiers, quantity)
        return _graduated(tiers, quantity)
    unit = _decimal(price, keys["unit"])
    return None if unit is None else unit * quantity


def _volume(tiers: list[dict], quantity: int) -> Decimal:
    """Every unit at the price of the tier the whole quantity falls in."""
    for tier in tiers:
        up_to = tier.get("up_to")
        if up_to is None or quantity <= _whole(up_to, "up_to"):
            return (_decimal(tier, "unit_amount") or 0) * quantity + (
                _decimal(tier, "flat_amount") or 0
            )
    raise ValueError("No tier covers the quantity (the last tier's up_to must be null).")


def _graduated(tiers: list[dict], quantity: int) -> Decimal:
    """Each tier's units at that tier's price, plus the flat amount of every tier reached."""
    total, below = Decimal(0), 0
    for tier in tiers:
        if quantity <= below:
            break
        up_to = tier.get("up_to")
        top = quantity if up_to is None else min(quantity, _whole(up_to, "up_to"))
        units = top - below
        total += (_decimal(tier, "unit_amount") or 0) * units + (_decimal(tier, "flat_amount") or 0)
        if up_to is None:
            break
        below = _whole(up_to, "up_to")
    return total


def _discounts(subscription: dict) -> list[dict]:
    """The subscription's discounts that came expanded (ids alone say nothing)."""
    found = [each for each in subscription.get("discounts") or [] if isinstance(each, dict)]
    single = subscription.get("discount")
    if isinstance(single, dict) and all(single.get("id") != each.get("id") for each in found):
        found.append(single)
    return found


def _discounted(
    amount: Decimal, discounts: list[dict], *, currency: str, months_per_invoice: Decimal
) -> Decimal:
    """`amount` (per month) after the recurring coupons among `discounts`, never below 0.

    A coupon's `amount_off` comes off each invoice, so it is spread over the
    invoice's months; one in another currency than the price cannot apply.
    """
    for discount in discounts:
        coupon = discount.get("coupon")
        if not isinstance(coupon, dict):
            source = discount.get("source")
            coupon = source.get("coupon") if isinstance(source, dict) else None
        if not isinstance(coupon, dict) or coupon.get("duration") not in _RECURRING_DURATIONS:
            continue
        if coupon.get("percent_off") is not None:
            amount = amount * (100 - _number(coupon["percent_off"], "percent_off")) / 100
        elif coupon.get("amount_off") is not None:
            if (coupon.get("currency") or currency).lower() != currency.lower():
                continue
            amount -= _number(coupon["amount_off"], "amount_off") / months_per_invoice
    return max(amount, Decimal(0))


def _decimal(source: dict, key: str) -> Decimal | None:
    """`<key>_decimal` (a string, may hold fractions of a cent), else the integer `<key>`."""
    text = source.get(f"{key}_decimal")
    if text is not None:
        return _number(text, f"{key}_decimal")
    value = source.get(key)
    return None if value is None else _number(value, key)


def _number(value: Any, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{what} is not a number.")
    number = Decimal(str(value))
    if not number.is_finite() or number < 0:
        raise ValueError(f"{what} is not a non-negative number.")
    return number


def _whole(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} is not a whole number.")
    return value
