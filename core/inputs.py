"""Reading values that arrive from outside (API payloads, forms, imports, admin).

Services pass every outside value through these before writing, so bad
input is refused with a clear message instead of crashing a comparison,
failing in the database (PostgreSQL) or being stored as is (SQLite).
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models

# The longest address an EmailField stores (RFC 5321's path limit).
EMAIL_MAX_LENGTH = 254


def decimal_or_refuse(
    value: Any, what: str, *, max_digits: int | None = None, decimal_places: int | None = None
) -> Decimal:
    """`value` as a finite Decimal that fits the column, or a ValidationError naming `what`.

    Floats go through `str` so 0.1 stays 0.1; booleans, None, NaN and
    infinities are refused.
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
    if decimal_places is not None:
        number = number.quantize(Decimal(1).scaleb(-decimal_places))
    if max_digits is not None and len(number.as_tuple().digits) > max_digits:
        raise ValidationError(f"{what} is too large.", code="number_too_large")
    return number


def decimal_for_field(value: Any, field: models.DecimalField, what: str) -> Decimal:
    """`value` checked against a DecimalField's digits and places."""
    return decimal_or_refuse(
        value, what, max_digits=field.max_digits, decimal_places=field.decimal_places
    )


def text_for_field(
    value: Any, field: models.CharField, what: str, *, required: bool = False
) -> str:
    """`value` stripped and checked against a CharField's length."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{what} must be text.", code="invalid_text")
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError(f"{what} may not contain NUL characters.", code="invalid_text")
    if required and not text:
        raise ValidationError(f"{what} is required.", code="required")
    if field.max_length and len(text) > field.max_length:
        raise ValidationError(
            f"{what} is longer than {field.max_length} characters.", code="too_long"
        )
    return text


def currency_code(value: Any) -> str:
    """An ISO 4217 code as stored ("usd " → "USD"), or ValidationError: three letters."""
    code = (value or "").strip().upper() if isinstance(value, str) or value is None else ""
    if len(code) != 3 or not code.isalpha():
        raise ValidationError(f"{value!r} is not a currency code.", code="invalid_currency")
    return code


def email_address(value: Any, what: str = "The e-mail address") -> str:
    """`value` as a lower-case e-mail address, or a ValidationError naming `what`.

    The one rule for every input (API, CSV import, admin, forms): Django's own
    validator, which the model fields use too, so an address one door accepts
    is never refused by another. Reserved names such as `.test` or
    `.localhost` are accepted: staging systems use them.
    """
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text.", code="invalid_text")
    address = value.strip().lower()
    if len(address) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            f"{what} is longer than {EMAIL_MAX_LENGTH} characters.", code="too_long"
        )
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(f"{what} {value!r} is not valid.", code="invalid_email") from None
    return address
