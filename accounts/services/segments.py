"""Saving, sharing and deleting segments (saved sets of the account list's filters).

A segment is refused at save time when its filters could not be applied (a tag that
no longer exists, a filter the list does not have), with the reason in words; a
segment that becomes invalid later (its tag deleted since) says so where it is used
(accounts.filters.SegmentInvalid), never fails with an error page.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from core import clock

from ..filters import SegmentInvalid, check_saved_filters
from ..models import Segment

NAME_LENGTH = Segment._meta.get_field("name").max_length
SLUG_LENGTH = Segment._meta.get_field("slug").max_length


def save_segment(
    *, name: str, filters: dict[str, str], owner, is_shared: bool, segment: Segment | None = None
) -> Segment:
    """Create a segment (or change `segment`): its name, filters and who sees it.

    Raises ValidationError, changing nothing, for an empty or too long name or
    filters that cannot be applied.
    """
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Give the segment a name.", code="no_name")
    if len(name) > NAME_LENGTH:
        raise ValidationError(f"A segment's name is at most {NAME_LENGTH} characters.")
    try:
        check_saved_filters(filters)
    except SegmentInvalid as refusal:
        raise ValidationError(
            f"This segment cannot be saved: {refusal.message}", code="invalid_filters"
        ) from None
    now = clock.now()
    if segment is not None:
        Segment.objects.filter(pk=segment.pk).update(
            name=name, filters=filters, is_shared=is_shared, updated_at=now
        )
        segment.refresh_from_db()
        return segment
    base = slugify(name)[: SLUG_LENGTH - 8] or "segment"
    for attempt in range(1, 50):
        slug = base if attempt == 1 else f"{base}-{attempt}"
        try:
            with transaction.atomic():
                return Segment.objects.create(
                    name=name,
                    slug=slug,
                    owner=owner,
                    is_shared=is_shared,
                    filters=filters,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:  # the slug is taken (the unique constraint decides)
            continue
    raise ValidationError("Too many segments share this name; choose another.")


def delete_segment(*, segment: Segment) -> bool:
    """Delete a segment; workflow conditions naming it then fail (and say so)."""
    deleted, _ = Segment.objects.filter(pk=segment.pk).delete()
    return bool(deleted)
