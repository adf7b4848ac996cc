"""Undoing Django's HTML escaping in text that should never have been escaped.

Plain text (tag names, ledger reasons, task titles, alerts) was once rendered
with autoescaping on; the repairs in the apps' data migrations use this to
give such rows back the text as typed.
"""

from collections.abc import Sequence

from django.db.models import Q, QuerySet

# What django.utils.html.escape writes, undone in reverse: `&amp;` last, so
# an escaped "&lt;" (`&amp;lt;`) comes back as "&lt;", not "<".
_ESCAPES = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'"), ("&amp;", "&")]


def undo_html_escape(text: str) -> str:
    """`text` as it was before django.utils.html.escape; other entities are left as they are."""
    for entity, character in _ESCAPES:
        text = text.replace(entity, character)
    return text


def repair_escaped_fields(queryset: QuerySet, fields: Sequence[str]) -> int:
    """Undo the escaping in `fields` of every row of `queryset`; returns how many rows changed.

    For data migrations: rows are read in chunks and written back in bulk.
    """
    has_entity = Q()
    for field in fields:
        has_entity |= Q(**{f"{field}__contains": "&"})
    changed = []
    for row in queryset.filter(has_entity).only("pk", *fields).iterator(chunk_size=2000):
        before = [getattr(row, field) for field in fields]
        for field, value in zip(fields, before, strict=True):
            setattr(row, field, undo_html_escape(value))
        if [getattr(row, field) for field in fields] != before:
            changed.append(row)
    queryset.bulk_update(changed, fields, batch_size=500)
    return len(changed)
