"""The record of inbound events: which (sender, event id) pairs were applied.

`InboundEvent` is unique per sender and event id, and written in the same
transaction as the changes an event made: that constraint is the guarantee
that a resent event is applied once. Reading it first is only the shortcut
that answers "duplicate" without trying.
"""

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction

from accounts.models import Account
from core import clock
from core.bulk import insert_rows

from .models import ApiToken, InboundEvent


class IdReused(Exception):
    """An id recorded by a concurrent transaction after this one read the record."""


def already_received(sender: str, event_ids: Iterable[str]) -> set[str]:
    """Which of these ids the sender has sent before (one query)."""
    seen = InboundEvent.objects.filter(sender=sender, event_id__in=list(event_ids))
    return set(seen.values_list("event_id", flat=True))


def record_received(
    *, sender: str, token: ApiToken, applied: list[tuple[str, str, Account]]
) -> None:
    """Record applied (event id, type, account) triples in one insert.

    Raises IdReused, leaving the transaction to be rolled back, if a
    concurrent transaction recorded one of the ids meanwhile.
    """
    now = clock.now()
    rows = (
        {
            "sender": sender,
            "event_id": event_id,
            "kind": kind,
            "account": account,
            "token": token,
            "received_at": now,
        }
        for event_id, kind, account in applied
    )
    try:
        insert_rows(InboundEvent, rows)
    except IntegrityError as error:
        raise IdReused(f"An event id of this batch was recorded meanwhile: {error}") from error


def apply_once(
    *,
    sender: str,
    event_id: str,
    kind: str,
    apply: Callable[[], Account | None],
    token: ApiToken | None = None,
) -> bool:
    """Run `apply` and record (sender, event_id) in one transaction. False: seen before.

    For an input that sends one event a request (Stripe's webhooks); `token`
    is the credential it came with, kept for audit only. `apply` returns the
    account the event concerned (None if it concerned none). Raises whatever
    `apply` raises when it refuses, and writes nothing then.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = InboundEvent.objects.create(
                    sender=sender,
                    event_id=event_id,
                    kind=kind,
                    token=token,
                    received_at=clock.now(),
                )
        except IntegrityError:
            return False
        account = apply()
        InboundEvent.objects.filter(pk=record.pk).update(account=account)
    return True
