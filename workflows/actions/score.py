"""Adding or subtracting points."""

from scoring.models import ScoreEntry, ScoreSource
from scoring.selectors import scoring_rules
from scoring.services import MAX_POINTS_PER_ENTRY
from scoring.services import add_points as add

from .base import StepContext
from .params import Params

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


REASON_LENGTH = ScoreEntry._meta.get_field("reason").max_length
SOURCES = ScoreSource.values
POINTS_FROM = sorted(RULE_POINTS | DATA_POINTS)


def check(params: dict) -> None:
    """Either `points` (a non-zero whole number) or `points_from`; optional `reason`, `source`."""
    read = Params(params, allowed=["points", "points_from", "reason", "source"])
    source = read.choice("points_from", POINTS_FROM)
    if source is None and "points_from" not in params:
        points = read.whole_number(
            "points", minimum=-MAX_POINTS_PER_ENTRY, maximum=MAX_POINTS_PER_ENTRY, required=True
        )
        if points == 0:
            read.refuse("`points` is a non-zero whole number.")
    elif "points" in params:
        read.refuse("Give `points` or `points_from`, not both.")
    read.text("reason", max_length=REASON_LENGTH, template=True)
    read.choice("source", SOURCES)
    read.done()


# The rules' points are read when the step runs: nothing to look up before.
validate = check
