"""Pausing a run: the engine parks it until the delay has passed."""

from datetime import timedelta

from django.core.exceptions import ValidationError

from .params import Params

LONGEST = timedelta(days=365)
# Each unit alone is bounded too, so adding them up can never overflow.
UNITS = {"minutes": 365 * 24 * 60, "hours": 365 * 24, "days": 365}


def delay(params: dict) -> timedelta:
    """How long the step waits (of parameters `check` accepted)."""
    return timedelta(**{unit: params.get(unit) or 0 for unit in UNITS})


def check(params: dict) -> None:
    """Whole, non-negative minutes, hours or days, together more than none and at most a year."""
    read = Params(params, allowed=UNITS)
    for unit, most in UNITS.items():
        read.whole_number(unit, minimum=0, maximum=most)
    read.done()
    if delay(params) <= timedelta(0):
        raise ValidationError("A wait needs minutes, hours or days.", code="invalid_params")
    if delay(params) > LONGEST:
        raise ValidationError(f"A wait is at most {LONGEST.days} days.", code="invalid_params")


# A wait names nothing that must exist.
validate = check
