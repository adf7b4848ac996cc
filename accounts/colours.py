"""One colour per account status, shared by badges, boards and charts.

Colours are Bootstrap's theme names: badges use them as `text-bg-<colour>`, the
default pipelines' stages carry the same names (`pipelines/defaults.py`, kept
equal by a test), and charts resolve them to Bootstrap's `--bs-<colour>` CSS
variables in the browser, so a status is the same colour wherever it is shown.
"""

from .models import Happiness, HealthStatus, Lifecycle, Milestone

NOT_SET = "secondary"

HEALTH: dict[str, str] = {
    HealthStatus.THRIVING: "success",
    HealthStatus.HEALTHY: "primary",
    HealthStatus.STEADY: "warning",
    HealthStatus.STRUGGLING: "danger",
    "": NOT_SET,
}
HAPPINESS: dict[str, str] = {
    Happiness.VERY_HAPPY: "success",
    Happiness.HAPPY: "primary",
    Happiness.NEUTRAL: "warning",
    Happiness.NOT_HAPPY: "danger",
    "": NOT_SET,
}
MILESTONE: dict[str, str] = {
    Milestone.STARTER: "secondary",
    Milestone.MODERATE: "info",
    Milestone.PRO: "primary",
    Milestone.ADVANCED: "success",
    "": "light",
}
LIFECYCLE: dict[str, str] = {Lifecycle.ACTIVE: "success", Lifecycle.CHURNED: "dark"}

BY_KIND: dict[str, dict[str, str]] = {
    "health": HEALTH,
    "happiness": HAPPINESS,
    "milestone": MILESTONE,
    "lifecycle": LIFECYCLE,
}


def colour(kind: str, value: str | None) -> str:
    """The Bootstrap colour of `value` of a status `kind` ("health", "happiness", …)."""
    return BY_KIND[kind].get(value or "", NOT_SET)
