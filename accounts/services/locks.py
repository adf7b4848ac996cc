"""Row locks on accounts: the first thing every service that changes an account takes.

Locks are taken in id order (and, for names no account has yet, in one
order of names), so two inputs touching the same accounts queue up instead
of deadlocking.
"""

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from ..models import Account


def lock_account(account: Account | int) -> Account:
    """Re-read `account` with a row lock held until the transaction ends.

    Every service that changes an account takes this lock first, so two
    changes to one account (two payments, a tag and a score) queue up instead
    of interleaving. Raises ValidationError if the account no longer exists.
    """
    pk = account.pk if isinstance(account, Account) else account
    if pk is None:
        raise ValidationError("The account has not been saved.", code="account_missing")
    try:
        return Account.objects.select_for_update().get(pk=pk)
    except Account.DoesNotExist:
        raise ValidationError(f"Account {pk} does not exist.", code="account_missing") from None


@contextmanager
def account_transaction(account: Account | int) -> Iterator[Account]:
    """`with account_transaction(account) as locked:` a service's transaction, with
    `account`'s row locked (`lock_account`) from the start.

    Joins an enclosing transaction (a workflow step's) without a savepoint:
    it adds no savepoint, a round trip each way fewer: an error inside rolls the
    caller's transaction back, as a failed step must be anyway (Zulip's
    actions do the same). A refusal before anything is written, such as an
    account deleted meanwhile, is raised after the block has ended cleanly, so
    the caller's transaction stays usable.
    """
    with transaction.atomic(savepoint=False):
        try:
            locked = lock_account(account)
        except ValidationError as error:
            refusal = error
        else:
            yield locked
            return
    raise refusal


def lock_accounts(account_ids: Iterable[int], *, only: tuple[str, ...] = ()) -> dict[int, Account]:
    """`lock_account` for many accounts at once: one query, locks taken in id order.

    The fixed order means two batches naming the same accounts queue up
    instead of deadlocking. `only` limits the fields read (a batch of 500
    needs only what it changes). Raises ValidationError if any account is gone.
    """
    wanted = set(account_ids)
    rows = Account.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    locked = {account.pk: account for account in (rows.only(*only) if only else rows)}
    if missing := sorted(wanted - locked.keys()):
        which = ", ".join(map(str, missing))
        phrase = f"Account {which} does" if len(missing) == 1 else f"Accounts {which} do"
        raise ValidationError(f"{phrase} not exist.", code="account_missing")
    return locked


def lock_accounts_named(
    external_ids: Iterable[str], *, only: tuple[str, ...] = ()
) -> dict[str, Account]:
    """The accounts with these external ids, locked in id order (as `lock_accounts`),
    by external id; ids no account has are left out.

    For an input that names accounts by the SaaS product's ids: taking every
    lock it will need first, in one order, is what lets two such inputs queue
    up whatever order their items come in. A name no account has yet has no
    row to lock; on PostgreSQL it is locked by name instead (a transaction
    advisory lock each, in one order), so two inputs signing up the same new
    account queue up too. (SQLite lets one writer in at a time anyway.)
    """
    wanted = set(external_ids)
    rows = Account.objects.select_for_update().order_by("pk")
    rows = rows.only(*only) if only else rows
    locked = {account.external_id: account for account in rows.filter(external_id__in=wanted)}
    if (missing := wanted - locked.keys()) and connection.vendor == "postgresql":
        _lock_names(missing)
        # Whoever held a name may have signed the account up meanwhile.
        locked |= {a.external_id: a for a in rows.filter(external_id__in=missing)}
    return locked


def _lock_names(names: Iterable[str]) -> None:
    """A PostgreSQL advisory lock per name, held until the transaction ends, taken
    in one global order (by key). Unrelated names sharing a key only queue up."""
    keys = sorted({_name_key(name) for name in names})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", [keys])


def _name_key(name: str) -> int:
    digest = hashlib.blake2b(f"account:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
