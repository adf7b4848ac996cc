"""Pausing a run: the engine parks it until the delay has passed."""

from datetime import timedelta

from django.core.exceptions import ValidationError

UNITS = ("minutes", "hours", "days")


def delay(params: dict) -> timedelta:
    """How long the step waits."""
    return timedelta(**{unit: params.get(unit, 0) for unit in UNITS})


def validate(params: dict) -> None:
    if any(not isinstance(params.get(unit, 0), int) or params.get(unit, 0) < 0 for unit in UNITS):
        raise ValidationError("Wait for whole, non-negative minutes, hours or days.")
    if delay(params) <= timedelta(0):
        raise ValidationError("A wait needs minutes, hours or days.")
