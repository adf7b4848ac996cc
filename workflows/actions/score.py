"""Adding or subtracting points."""

from django.core.exceptions import ValidationError

from scoring.models import ScoreSource
from scoring.selectors import scoring_rules
from scoring.services import add_points as add

from .base import StepContext, require

# Points a step can take from the scoring rules (editable in the admin) …
RULE_POINTS = {"payment_points", "appointment_attended_points"}
# … or from the trigger's data (a feature's own points).
DATA_POINTS = {"feature_points"}


def add_points(ctx: StepContext, params: dict) -> str:
    points = _points(ctx, params)
    change = add(
        account=ctx.account,
        points=points,
        reason=ctx.text(params.get("reason") or "Workflow"),
        source=params.get("source", ScoreSource.WORKFLOW),
        cause=ctx.cause,
        idempotency_key=ctx.key,
    )
    if change.entry is None:
        return "Points were already added for this step."
    reached = (
        f"; reached {', '.join(change.milestones_reached)}" if change.milestones_reached else ""
    )
    return f"{points:+d} points, score now {change.score}{reached}."


def _points(ctx: StepContext, params: dict) -> int:
    source = params.get("points_from")
    if source in RULE_POINTS:
        return int(getattr(scoring_rules(), source))
    if source in DATA_POINTS:
        return int(ctx.event.data[source])
    return int(params["points"])


def validate(params: dict) -> None:
    source = params.get("points_from")
    if source is None:
        require(params, "points")
        if not isinstance(params["points"], int) or params["points"] == 0:
            raise ValidationError("`points` is a non-zero whole number.")
    elif source not in RULE_POINTS | DATA_POINTS:
        raise ValidationError(
            f"`points_from` is one of {', '.join(sorted(RULE_POINTS | DATA_POINTS))}."
        )
    if params.get("source", ScoreSource.WORKFLOW) not in ScoreSource.values:
        raise ValidationError(f"Unknown score source {params['source']!r}.")
