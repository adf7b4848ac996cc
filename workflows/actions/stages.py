"""Moving the account's card to a stage of a pipeline."""

from pipelines.models import Pipeline, Stage
from pipelines.selectors import card_stage, stage_named
from pipelines.services import move_card

from .base import StepContext
from .params import Params


def move_to_stage(ctx: StepContext, params: dict) -> str:
    stage = stage_named(pipeline=params["pipeline"], stage=ctx.text(params["stage"]))
    moved = move_card(
        account=ctx.account,
        pipeline=stage.pipeline,
        stage=stage,
        cause=ctx.cause,
        # A move made after this run's trigger (a person's drag, a newer fact's run) wins.
        unless_moved_after=ctx.event.created_at,
    )
    if moved:
        return f"Card moved to {stage}."
    now_in = card_stage(account=ctx.account, pipeline=stage.pipeline)
    if now_in is None or now_in.pk == stage.pk:
        return f"Card already in {stage}."
    return f"Card left in {now_in}: it was moved there after this run's trigger."


# A pipeline is named by its key or its (longer) name.
PIPELINE_LENGTH = Pipeline._meta.get_field("name").max_length
STAGE_LENGTH = Stage._meta.get_field("name").max_length


def check(params: dict) -> None:
    read = Params(params, allowed=["pipeline", "stage"])
    read.text("pipeline", max_length=PIPELINE_LENGTH, required=True)
    read.text("stage", max_length=STAGE_LENGTH, required=True, template=True)
    read.done()


def validate(params: dict) -> None:
    check(params)
    if "{{" not in params["stage"]:
        stage_named(pipeline=params["pipeline"], stage=params["stage"])
