"""Moving the account's card to a stage of a pipeline."""

from pipelines.selectors import stage_named
from pipelines.services import move_card

from .base import StepContext, require


def move_to_stage(ctx: StepContext, params: dict) -> str:
    stage = stage_named(pipeline=params["pipeline"], stage=ctx.text(params["stage"]))
    moved = move_card(account=ctx.account, pipeline=stage.pipeline, stage=stage, cause=ctx.cause)
    return f"Card {'moved to' if moved else 'already in'} {stage}."


def validate(params: dict) -> None:
    require(params, "pipeline", "stage")
    if "{{" not in params["stage"]:
        stage_named(pipeline=params["pipeline"], stage=params["stage"])
