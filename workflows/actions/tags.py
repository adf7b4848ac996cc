"""Adding and removing tags."""

from accounts.models import Tag
from accounts.services import remove_tag as remove
from accounts.services import replace_tags, replace_tags_many

from .base import StepContext
from .params import Params

TAG_LENGTH = Tag._meta.get_field("name").max_length


def add_tag(ctx: StepContext, params: dict) -> str:
    """Add `tag`; with `replaces`, first remove those tags (one health tag at a time)."""
    tag = ctx.text(params["tag"])
    added, removed = replace_tags(
        account=ctx.account, tag=tag, replacing=params.get("replaces", []), cause=ctx.cause
    )
    return _added(tag, added, removed)


def add_tag_many(contexts: list[StepContext], params: dict) -> list[str]:
    """`add_tag` for a batch of runs at this step (workflows.batches), as a set."""
    changes = [(ctx.account.pk, ctx.text(params["tag"]), ctx.cause) for ctx in contexts]
    outcomes = replace_tags_many(changes, replacing=params.get("replaces", []))
    return [
        _added(tag, added, removed)
        for (_, tag, _), (added, removed) in zip(changes, outcomes, strict=True)
    ]


def _added(tag: str, added: bool, removed: list[str]) -> str:
    replaced = f", replacing {', '.join(removed)}" if removed else ""
    return f"Tag {tag!r} {'added' if added else 'was already there'}{replaced}."


def remove_tag(ctx: StepContext, params: dict) -> str:
    tag = ctx.text(params["tag"])
    removed = remove(account=ctx.account, tag=tag, cause=ctx.cause)
    return f"Tag {tag!r} {'removed' if removed else 'was not there'}."


def check_add(params: dict) -> None:
    read = Params(params, allowed=["tag", "replaces"])
    read.text("tag", max_length=TAG_LENGTH, required=True, template=True)
    read.texts("replaces", max_length=TAG_LENGTH)
    read.done()


def check_remove(params: dict) -> None:
    read = Params(params, allowed=["tag"])
    read.text("tag", max_length=TAG_LENGTH, required=True, template=True)
    read.done()


# A tag that does not exist yet is made when it is first added.
validate_add, validate_remove = check_add, check_remove
