"""Setting the account's happiness level (from an NPS answer)."""

from accounts.models import Happiness
from accounts.services import change_happiness

from .base import StepContext
from .params import Params


def set_happiness(ctx: StepContext, params: dict) -> str:
    changed = change_happiness(account=ctx.account, level=params["level"], cause=ctx.cause)
    label = Happiness(params["level"]).label
    return f"Happiness {'set to' if changed else 'already'} {label}."


LEVELS = Happiness.values


def check(params: dict) -> None:
    read = Params(params, allowed=["level"])
    read.choice("level", LEVELS, required=True)
    read.done()


# The levels are fixed: checking is all there is.
validate = check
