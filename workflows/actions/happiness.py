"""Setting the account's happiness level (from an NPS answer)."""

from django.core.exceptions import ValidationError

from accounts.models import Happiness
from accounts.services import change_happiness

from .base import StepContext, require


def set_happiness(ctx: StepContext, params: dict) -> str:
    changed = change_happiness(account=ctx.account, level=params["level"], cause=ctx.cause)
    label = Happiness(params["level"]).label
    return f"Happiness {'set to' if changed else 'already'} {label}."


def validate(params: dict) -> None:
    require(params, "level")
    if params["level"] not in Happiness.values:
        raise ValidationError(f"`level` is one of {', '.join(Happiness.values)}.")
