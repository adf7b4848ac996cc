"""Tags on an account: put on, taken off, replaced; each change with its history row."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from core import clock
from core.causes import Cause
from core.handover import record_and_announce, record_and_announce_many

from .. import signals
from ..models import Account, AccountTag, Tag, TagAction, TagEvent
from .locks import account_transaction

TAG_NAME_MAX = Tag._meta.get_field("name").max_length


def _clean_tag_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("A tag needs a name.", code="tag_name_required")
    if len(name) > TAG_NAME_MAX:
        raise ValidationError(
            f"Tag names are at most {TAG_NAME_MAX} characters.", code="tag_name_too_long"
        )
    return name


def _tag_on_account(account: Account, name: str) -> tuple[Tag | None, bool]:
    """The tag called `name` (None if there is none) and whether `account` has it: one query."""
    found = (
        Tag.objects.filter(name__iexact=name)
        .annotate(present=Exists(AccountTag.objects.filter(account=account, tag=OuterRef("pk"))))
        .first()
    )
    return (found, found.present) if found else (None, False)


def _create_tag(name: str) -> Tag:
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:  # created meanwhile by another account's tagging
        return Tag.objects.get(name__iexact=name)


def add_tag(*, account: Account, tag: str | Tag, cause: Cause) -> bool:
    """Put `tag` on `account` (created by name if new). Returns False if already there."""
    name = None if isinstance(tag, Tag) else _clean_tag_name(tag)
    with account_transaction(account) as locked:
        return _add_tag(locked, tag if name is None else name, cause)


def remove_tag(*, account: Account, tag: str | Tag, cause: Cause) -> bool:
    """Take `tag` off `account`. Returns False if it was not there."""
    wanted = Q(tag=tag) if isinstance(tag, Tag) else _named([tag])
    with account_transaction(account) as locked:
        return bool(_remove_tags(locked, wanted, cause))


def remove_tags(*, account: Account, tags: Sequence[str], cause: Cause) -> list[str]:
    """`remove_tag` for several names at once; returns the names of the tags taken off.

    One lookup finds which of them the account has, however many are named.
    """
    if not tags:
        return []
    wanted = _named(tags)
    with account_transaction(account) as locked:
        return _remove_tags(locked, wanted, cause)


def replace_tags(
    *, account: Account, tag: str, replacing: Sequence[str], cause: Cause
) -> tuple[bool, list[str]]:
    """Put `tag` on `account` and take off those of `replacing` it has, under one lock
    (one health or happiness tag at a time). Returns (added, names taken off)."""
    name = _clean_tag_name(tag)
    others = [other for other in replacing if other.casefold() != name.casefold()]
    wanted = _named(others) if others else None
    with account_transaction(account) as locked:
        removed = _remove_tags(locked, wanted, cause) if wanted else []
        return _add_tag(locked, name, cause), removed


def _named(names: Sequence[str]) -> Q:
    wanted = Q()
    for name in names:
        wanted |= Q(tag__name__iexact=_clean_tag_name(name))
    return wanted


def _add_tag(locked: Account, tag: str | Tag, cause: Cause) -> bool:
    """add_tag's work, under the account's lock; `tag` is a Tag or a cleaned name."""
    if isinstance(tag, Tag):
        present = AccountTag.objects.filter(account=locked, tag=tag).exists()
    else:
        name = tag
        tag, present = _tag_on_account(locked, name)
        tag = tag or _create_tag(name)
    if present:
        return False
    now = clock.now()
    # No other writer gets past the row lock until we commit; the
    # tag_once_per_account constraint backs that up.
    AccountTag.objects.create(account=locked, tag=tag, added_at=now)
    event = TagEvent.objects.create(
        account=locked, tag=tag, action=TagAction.ADDED, created_at=now, **cause.as_fields()
    )
    record_and_announce(
        signals.tag_added,
        sender=Account,
        account_id=locked.pk,
        tag_name=tag.name,
        tag_event_id=event.pk,
        cause=cause,
    )
    return True


def _remove_tags(locked: Account, wanted: Q, cause: Cause) -> list[str]:
    """Take the account's tags matching `wanted` off, under its lock; their names."""
    on_account = list(
        AccountTag.objects.filter(wanted, account=locked).select_related("tag").order_by("pk")
    )
    if not on_account:
        return []
    AccountTag.objects.filter(pk__in=[row.pk for row in on_account]).delete()
    now = clock.now()
    events = TagEvent.objects.bulk_create(
        TagEvent(
            account=locked,
            tag=row.tag,
            action=TagAction.REMOVED,
            created_at=now,
            **cause.as_fields(),
        )
        for row in on_account
    )
    record_and_announce_many(
        signals.tag_removed,
        sender=Account,
        announcements=[
            {
                "account_id": locked.pk,
                "tag_name": event.tag.name,
                "tag_event_id": event.pk,
                "cause": cause,
            }
            for event in events
        ],
    )
    return [row.tag.name for row in on_account]
