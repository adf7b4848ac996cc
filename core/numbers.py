"""Reading numbers that arrive from outside (API payloads, forms, imports)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError


def decimal_or_refuse(value: Any, what: str) -> Decimal:
    """`value` as a finite Decimal, or a ValidationError naming `what`.

    Floats go through `str` so 0.1 stays 0.1; booleans, None, NaN and
    infinities are refused rather than stored or crashing a comparison.
    """
    if value is None or isinstance(value, bool):
        raise ValidationError(f"{what} must be a number.", code="invalid_number")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            f"{what} must be a number, not {value!r}.", code="invalid_number"
        ) from None
    if not number.is_finite():
        raise ValidationError(f"{what} must be a finite number.", code="invalid_number")
    return number
