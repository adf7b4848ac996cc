"""Repairs of data written wrongly by earlier versions, run from data migrations.

Each takes the model classes, so a migration can pass its historical models.
"""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Least

from core.escaping import undo_html_escape


def repair_escaped_tag_names(*, tag_model, account_tag_model, tag_event_model) -> list[str]:
    """Give workflow-made tags their real names (`Active on Q&amp;A board` → `Active on Q&A board`).

    Only tags a workflow added are looked at (their names came from a
    rendered template). Where the real name already exists, the escaped tag
    is merged into it: its accounts and its whole history move over (an
    account that has both keeps one, added at the earlier time), then the
    escaped tag is deleted. Returns the repaired names, as "old → new".
    """
    escaped = tag_model.objects.filter(name__contains="&", events__cause_kind="workflow").distinct()
    repaired = []
    for tag in escaped.order_by("pk"):
        old, name = tag.name, undo_html_escape(tag.name)
        if name == old:
            continue
        target = tag_model.objects.filter(name__iexact=name).exclude(pk=tag.pk).first()
        if target is None:
            tag.name = name
            tag.save(update_fields=["name"])
        else:
            _merge_tag(tag, target, account_tag_model, tag_event_model)
        repaired.append(f"{old} → {name}")
    return repaired


def _merge_tag(tag, target, account_tag_model, tag_event_model) -> None:
    """Move `tag`'s accounts and history onto `target`, then delete `tag`."""
    on_both = account_tag_model.objects.filter(tag=target, account__account_tags__tag=tag)
    added = account_tag_model.objects.filter(tag=tag, account=OuterRef("account"))
    on_both.update(added_at=Least("added_at", Subquery(added.values("added_at")[:1])))
    account_tag_model.objects.filter(tag=tag, account__in=on_both.values("account")).delete()
    account_tag_model.objects.filter(tag=tag).update(tag=target)
    tag_event_model.objects.filter(tag=tag).update(tag=target)
    tag.delete()
