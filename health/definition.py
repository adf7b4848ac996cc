"""A health model's definition: its shape, its checks, and scoring one account with it.

    {"factors": [{"key": "logins", "label": "Logins", "measure": "login_days",
                  "window": 30, "weight": 10, "neutral": 5,
                  "points": [[0, 0], [1, 3], [8, 6], [15, 10]]}, …],
     "bands": [{"band": "thriving", "min": 76, "max": 100}, …]}

`points` are "at least this raw value → these points" steps (below the first: 0);
`neutral` is what the factor earns when the account has no data for it. Weights
add up to 100, each factor's best step earns its weight, and the bands cover
0–100 without gap or overlap, so every total has exactly one band.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError

from accounts.models import HealthStatus

from .measures import MEASURES

MAX_WINDOW = 365
BAND_ORDER = [  # best first
    HealthStatus.THRIVING,
    HealthStatus.HEALTHY,
    HealthStatus.STEADY,
    HealthStatus.STRUGGLING,
]
BAND_RANK = {band.value: rank for rank, band in enumerate(BAND_ORDER)}  # 0 = best


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate_definition(definition: Any) -> None:
    """Refuse a definition that could not score every account one clear way.

    Raises ValidationError with every problem found, each naming the factor or band.
    """
    if not isinstance(definition, dict) or not isinstance(definition.get("factors"), list):
        raise ValidationError("A definition is an object with a list of `factors` and `bands`.")
    errors: list[str] = []
    keys: set[str] = set()
    for number, factor in enumerate(definition["factors"], start=1):
        errors += _factor_errors(factor, number, keys)
    if not definition["factors"]:
        errors.append("A model needs at least one factor.")
    elif not errors:
        total = sum(factor["weight"] for factor in definition["factors"])
        if total != 100:
            errors.append(f"The weights add up to {total:g}, not 100.")
    errors += _band_errors(definition.get("bands"))
    if errors:
        raise ValidationError(errors)


def _factor_errors(factor: Any, number: int, keys: set[str]) -> list[str]:
    if not isinstance(factor, dict):
        return [f"Factor {number} is not an object."]
    name = factor.get("label") or factor.get("key") or f"Factor {number}"
    errors = []
    key = factor.get("key")
    if not isinstance(key, str) or not key.strip():
        errors.append(f"{name}: needs a key.")
    elif key in keys:
        errors.append(f"{name}: the key {key!r} is used twice.")
    else:
        keys.add(key)
    measure = factor.get("measure")
    if measure not in MEASURES:
        errors.append(
            f"{name}: unknown measure {measure!r}; expected one of {', '.join(MEASURES)}."
        )
    window = factor.get("window")
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= MAX_WINDOW:
        errors.append(f"{name}: the window is a whole number of days from 1 to {MAX_WINDOW}.")
    weight = factor.get("weight")
    if not isinstance(weight, int) or isinstance(weight, bool) or not 0 < weight <= 100:
        errors.append(f"{name}: the weight is a whole number from 1 to 100.")
        return errors
    neutral = factor.get("neutral")
    if not isinstance(neutral, int) or isinstance(neutral, bool) or not 0 <= neutral <= weight:
        errors.append(f"{name}: the neutral value is a whole number from 0 to its weight {weight}.")
    errors += _points_errors(factor.get("points"), name, weight)
    return errors


def _points_errors(points: Any, name: str, weight: int) -> list[str]:
    if not isinstance(points, list) or not points:
        return [f"{name}: needs point steps (at least this value → these points)."]
    errors = []
    previous = None
    for step in points:
        if not (isinstance(step, list | tuple) and len(step) == 2 and _number(step[0])):
            return [f"{name}: each point step is [value, points]."]
        at_least, earned = step
        if not isinstance(earned, int) or isinstance(earned, bool) or not 0 <= earned <= weight:
            errors.append(f"{name}: points {earned!r} are not a whole number from 0 to {weight}.")
        if previous is not None and at_least <= previous:
            errors.append(
                f"{name}: the point steps' values must rise ({at_least:g} after {previous:g})."
            )
        previous = at_least
    if not errors and max(step[1] for step in points) != weight:
        errors.append(f"{name}: its best step must earn its weight ({weight}).")
    return errors


def _band_errors(bands: Any) -> list[str]:
    if not isinstance(bands, list) or not bands:
        return ["A model needs bands for its total (Thriving, Healthy, Steady, Struggling)."]
    errors = []
    seen = []
    for band in bands:
        if (
            not isinstance(band, dict)
            or band.get("band") not in BAND_RANK
            or not isinstance(band.get("min"), int)
            or not isinstance(band.get("max"), int)
            or band["min"] > band["max"]
        ):
            return [
                f"Each band is a status ({', '.join(BAND_RANK)}) with whole-number min ≤ max: "
                f"{band!r} is not."
            ]
        if band["band"] in seen:
            errors.append(f"The band {band['band']} appears twice.")
        seen.append(band["band"])
    ordered = sorted(bands, key=lambda b: b["min"])
    expected = 0
    for band in ordered:
        if band["min"] > expected:
            errors.append(f"No band covers {expected}–{band['min'] - 1}.")
        elif band["min"] < expected:
            errors.append(f"The band {band['band']} overlaps the one below it at {band['min']}.")
        expected = band["max"] + 1
    if expected <= 100:
        errors.append(f"No band covers {expected}–100.")
    if not errors and [b["band"] for b in sorted(bands, key=lambda b: -b["min"])] != [
        b for b in BAND_ORDER if b in seen
    ]:
        errors.append("Better bands must sit above worse ones (Thriving at the top).")
    return errors


def factor_points(factor: dict, raw: float | None) -> int:
    """The points `raw` earns on the factor's steps; its neutral value when raw is None."""
    if raw is None:
        return factor["neutral"]
    earned = 0
    for at_least, points in factor["points"]:
        if raw >= at_least:
            earned = points
        else:
            break
    return earned


def band_of(definition: dict, score: int) -> str:
    """The band the total `score` falls in."""
    for band in definition["bands"]:
        if band["min"] <= score <= band["max"]:
            return band["band"]
    raise ValueError(f"No band for {score}: the definition was not validated.")


def worse(new_band: str, old_band: str) -> bool:
    """Whether `new_band` is worse than `old_band`."""
    return BAND_RANK[new_band] > BAND_RANK[old_band]
