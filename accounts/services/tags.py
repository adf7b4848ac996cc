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
from .locks import account_transaction, lock_accounts

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


def replace_tags_many(
    changes: Sequence[tuple[int, str, Cause]], *, replacing: Sequence[str] = ()
) -> list[tuple[bool, list[str]]]:
    """`replace_tags` for many (account id, tag, cause) at once, under one set of locks
    (taken in id order): each change's (added, names taken off), in order.

    A workflow step for a drain's batch of runs: a constant number of statements
    per tag name, however many accounts. A later change of an account in the
    batch finds what an earlier one did (the tag there, the others gone), as it
    would one after the other. Raises, changing nothing, if a name is invalid or
    an account is gone (the caller then goes one by one, to tell which).
    """
    names = [_clean_tag_name(name) for _, name, _ in changes]
    results: list[tuple[bool, list[str]]] = [(False, [])] * len(changes)
    with transaction.atomic(savepoint=False):
        lock_accounts({account_id for account_id, _, _ in changes}, only=("id",))
        by_name: dict[str, list[int]] = {}
        for index, name in enumerate(names):
            by_name.setdefault(name.casefold(), []).append(index)
        for indexes in by_name.values():
            name = names[indexes[0]]
            first: dict[int, int] = {}  # account id -> the index of its first change
            for index in indexes:
                first.setdefault(changes[index][0], index)
            causes = {account_id: changes[index][2] for account_id, index in first.items()}
            others = [other for other in replacing if other.casefold() != name.casefold()]
            removed = _remove_many(causes, _named(others)) if others else {}
            added = _add_many(causes, name)
            for account_id, index in first.items():
                results[index] = (account_id in added, removed.get(account_id, []))
    return results


def _remove_many(causes: dict[int, Cause], wanted: Q) -> dict[int, list[str]]:
    """Take the tags matching `wanted` off these (locked) accounts; names by account."""
    rows = list(
        AccountTag.objects.filter(wanted, account_id__in=list(causes))
        .select_related("tag")
        .order_by("pk")
    )
    if not rows:
        return {}
    AccountTag.objects.filter(pk__in=[row.pk for row in rows]).delete()
    now = clock.now()
    events = TagEvent.objects.bulk_create(
        TagEvent(
            account_id=row.account_id,
            tag=row.tag,
            action=TagAction.REMOVED,
            created_at=now,
            **causes[row.account_id].as_fields(),
        )
        for row in rows
    )
    _announce(signals.tag_removed, events, causes)
    removed: dict[int, list[str]] = {}
    for row in rows:
        removed.setdefault(row.account_id, []).append(row.tag.name)
    return removed


def _add_many(causes: dict[int, Cause], name: str) -> set[int]:
    """Put the tag `name` on those of these (locked) accounts without it; their ids."""
    tag = Tag.objects.filter(name__iexact=name).first() or _create_tag(name)
    present = set(
        AccountTag.objects.filter(tag=tag, account_id__in=list(causes)).values_list(
            "account_id", flat=True
        )
    )
    new = [account_id for account_id in causes if account_id not in present]
    if not new:
        return set()
    now = clock.now()
    AccountTag.objects.bulk_create(
        AccountTag(account_id=account_id, tag=tag, added_at=now) for account_id in new
    )
    events = TagEvent.objects.bulk_create(
        TagEvent(
            account_id=account_id,
            tag=tag,
            action=TagAction.ADDED,
            created_at=now,
            **causes[account_id].as_fields(),
        )
        for account_id in new
    )
    _announce(signals.tag_added, events, causes)
    return set(new)


def _announce(signal, events: list[TagEvent], causes: dict[int, Cause]) -> None:
    record_and_announce_many(
        signal,
        sender=Account,
        announcements=[
            {
                "account_id": event.account_id,
                "tag_name": event.tag.name,
                "tag_event_id": event.pk,
                "cause": causes[event.account_id],
            }
            for event in events
        ],
    )


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
