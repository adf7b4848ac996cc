"""What the events API asks of a batch service, and what it gets back.

api.events cuts a batch into runs and hands each run of one event type to
that type's batch service (the registry in api.batches): one call, one
`Outcome` per item, in order. Frequent types record a run in a few queries;
rare ones go through their service item by item (`OneByOne`). The API sees
one interface either way, and records the accepted ids itself.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account
from core.causes import Cause


class Refused(Exception):
    """An event that cannot be applied; the message says why."""


@dataclass(frozen=True)
class Item:
    """One event of a run and the cause its changes are recorded with."""

    event: Any  # one of schemas.Event's members
    cause: Cause


@dataclass(frozen=True)
class Outcome:
    """What applying one event did: the account it changed, or why it was refused."""

    account: Account | None = None
    refusal: str | None = None  # None: accepted

    @classmethod
    def refused(cls, error: Refused | ValidationError) -> "Outcome":
        """The outcome of an event its service (or its check) refused, with the reason."""
        reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return cls(refusal=reason)


class Batch:
    """Applies a run of events of one type: one outcome per item, in order.

    `accounts` are the accounts the whole API batch names, already locked
    (by external id, only their ids loaded); a service that signs accounts
    up adds them, so a later run of the batch finds them.
    """

    # Events of an order-free type depend on no event of another order-free
    # type, so a stretch mixing them is one run, applied type by type.
    order_free: ClassVar[bool] = False

    def __init__(self, accounts: dict[str, Account]) -> None:
        self.accounts = accounts

    def apply(self, items: Sequence[Item]) -> list[Outcome]:
        """Apply the run; a refused item writes nothing and blocks no other."""
        raise NotImplementedError

    def account(self, event: Any) -> Account:
        """The account an event names, or a refusal if it has not signed up."""
        account = self.accounts.get(event.account)
        if account is None:
            raise Refused(f"Unknown account {event.account!r}: send account.signed_up first.")
        return account


class CheckedTogether(Batch):
    """A frequent type: every item is checked first (with its service's own
    checks, so it is refused as it would be alone), then the checked ones
    are recorded in one go."""

    def apply(self, items: Sequence[Item]) -> list[Outcome]:
        """Check each item, then record the ones that passed together."""
        self.prepare([item.event for item in items])
        outcomes, checked = [], []
        for item in items:
            try:
                account = self.account(item.event)
                self.check(item.event)
            except (Refused, ValidationError) as error:
                outcomes.append(Outcome.refused(error))
                continue
            outcomes.append(Outcome(account=account))
            checked.append((item, account))
        if checked:
            self.record(checked)
        return outcomes

    def prepare(self, events: list) -> None:
        """Read what checking `events` needs (one query at most)."""

    def check(self, event: Any) -> None:
        """Raise ValidationError if `event` would be refused alone."""

    def record(self, checked: list[tuple[Item, Account]]) -> None:
        """Apply the checked items (each with its account) in one go."""
        raise NotImplementedError


class OneByOne(Batch):
    """A rare type: each item through its service in a savepoint of its own,
    so a refusal halfway through one item undoes only that item."""

    def apply(self, items: Sequence[Item]) -> list[Outcome]:
        """Apply each item in turn (see the class)."""
        outcomes = []
        for item in items:
            try:
                with transaction.atomic():
                    outcomes.append(Outcome(account=self.apply_one(item.event, item.cause)))
            except (Refused, ValidationError) as error:
                outcomes.append(Outcome.refused(error))
        return outcomes

    def apply_one(self, event: Any, cause: Cause) -> Account:
        """Apply one event; the account it changed. Raises Refused or ValidationError."""
        raise NotImplementedError
