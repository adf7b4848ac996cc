"""Adding and removing tags."""

from django.core.exceptions import ValidationError

from accounts.services import remove_tag as remove
from accounts.services import replace_tags

from .base import StepContext, require


def add_tag(ctx: StepContext, params: dict) -> str:
    """Add `tag`; with `replaces`, first remove those tags (one health tag at a time)."""
    tag = ctx.text(params["tag"])
    added, removed = replace_tags(
        account=ctx.account, tag=tag, replacing=params.get("replaces", []), cause=ctx.cause
    )
    replaced = f", replacing {', '.join(removed)}" if removed else ""
    return f"Tag {tag!r} {'added' if added else 'was already there'}{replaced}."


def remove_tag(ctx: StepContext, params: dict) -> str:
    tag = ctx.text(params["tag"])
    removed = remove(account=ctx.account, tag=tag, cause=ctx.cause)
    return f"Tag {tag!r} {'removed' if removed else 'was not there'}."


def validate(params: dict) -> None:
    require(params, "tag")
    if not isinstance(params.get("replaces", []), list):
        raise ValidationError("`replaces` is a list of tag names.")
