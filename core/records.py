"""Writing a record once per natural key, safely under concurrency."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction


def create_once(
    model: type[models.Model],
    *,
    identity: dict[str, Any],
    account_id: int,
    fields: dict[str, Any],
    what: str,
    conflict_code: str,
) -> tuple[Any, bool]:
    """Create the `model` row with `identity` unless it exists. Returns (row, created).

    The unique constraint on `identity` decides, not the read before it: a
    concurrent insert that wins makes this call a repeat. A row with the same
    identity on another account is refused, never handed back.
    """
    existing = model.objects.filter(**identity).first()
    if existing is None:
        try:
            with transaction.atomic():
                return model.objects.create(**{**fields, **identity}), True
        except IntegrityError:
            existing = model.objects.filter(**identity).first()
            if existing is None:
                raise
    if existing.account_id != account_id:
        raise ValidationError(
            f"{what} is already recorded for another account.", code=conflict_code
        )
    return existing, False


def json_value(value: Any) -> Any:
    """A field value as history rows store it in JSON: ids for rows, ISO text for times."""
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
