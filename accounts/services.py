"""Every state change of an account, its tags and its health: one door each.

Each function is atomic, records its cause in a history row, announces the
change after commit, and returns what changed, so repeating a call with the
same effect is a visible no-op rather than an error or a duplicate row.
"""

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q

from core import clock
from core.causes import Cause
from core.handover import record_and_announce, record_and_announce_many
from core.inputs import decimal_for_field, email_address, text_for_field
from core.records import json_value

from . import signals
from .models import (
    Account,
    AccountEvent,
    AccountEventKind,
    AccountTag,
    Contact,
    Happiness,
    HappinessChange,
    HealthStatus,
    HealthStatusChange,
    Lifecycle,
    OptOut,
    OptOutChannel,
    Plan,
    Tag,
    TagAction,
    TagEvent,
    normalized_address,
    validate_timezone,
)

TAG_NAME_MAX = Tag._meta.get_field("name").max_length


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

    Nested in a caller's transaction (a workflow step, an API batch item) it
    adds no savepoint, a round trip each way fewer: an error inside rolls the
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


_account_field = Account._meta.get_field


def _clean_mrr(mrr: Decimal) -> Decimal:
    mrr = decimal_for_field(mrr, _account_field("mrr"), "MRR")
    if mrr < 0:
        raise ValidationError("MRR cannot be negative.", code="negative_mrr")
    return mrr


def clean_external_id(value: str, field, what: str) -> str:
    """A SaaS product's id for an account or a contact: stripped, within the column, no `/`.

    The id is part of the API's URLs (/accounts/{id}), where a `/` would
    split it, so an id with one could be written but never read back.
    """
    external_id = text_for_field(value, field, what)
    if "/" in external_id:
        raise ValidationError(
            f"{what} {external_id!r} contains `/`, which cannot be part of a URL path.",
            code="invalid_external_id",
        )
    return external_id


def require_same_account(contact: Contact | None, account: Account) -> None:
    """Refuse a contact of another account (a mix-up in a form, an import, a workflow)."""
    if contact is not None and contact.account_id != account.pk:
        raise ValidationError("The contact belongs to another account.", code="contact_mismatch")


def sign_up_account(
    *,
    external_id: str,
    name: str,
    cause: Cause,
    plan: str = Plan.FREE,
    mrr: Decimal = Decimal(0),
    signed_up_at: datetime | None = None,
    owner=None,
    announce_as_sign_up: bool = True,
) -> tuple[Account, bool]:
    """Create the account for a new SaaS sign-up (playbook a1's trigger).

    Returns (account, created). The SaaS product's id is the identity: the
    same sign-up reported again returns the existing account unchanged. An
    existing customer brought in by an import is not a sign-up
    (`announce_as_sign_up=False`): it is announced as imported, which places it
    in its pipelines without a welcome e-mail or a new-account alert.
    """
    external_id = clean_external_id(external_id, _account_field("external_id"), "The external id")
    name = text_for_field(name, _account_field("name"), "The account name")
    if not external_id:
        raise ValidationError("An account needs the SaaS product's external id.", code="required")
    if not name:
        raise ValidationError("An account needs a name.", code="required")
    if plan not in Plan.values:
        raise ValidationError(f"Unknown plan {plan!r}.", code="invalid_plan")
    mrr = _clean_mrr(mrr)
    signed_up_at = clock.require_past(signed_up_at or clock.now(), "The sign-up time")
    existing = Account.objects.filter(external_id=external_id).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            account = Account.objects.create(
                external_id=external_id,
                name=name,
                plan=plan,
                mrr=mrr,
                owner=owner,
                signed_up_at=signed_up_at,
            )
            AccountEvent.objects.create(
                account=account,
                kind=AccountEventKind.SIGNED_UP,
                data={"plan": plan, "mrr": str(mrr)},
                created_at=clock.now(),
                **cause.as_fields(),
            )
            record_and_announce(
                signals.account_signed_up if announce_as_sign_up else signals.account_imported,
                sender=Account,
                account_id=account.pk,
                cause=cause,
            )
    except IntegrityError:
        # Another request created it between our read and our insert.
        return Account.objects.get(external_id=external_id), False
    return account, True


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


@transaction.atomic
def change_health_status(*, account: Account, status: str, cause: Cause, note: str = "") -> bool:
    """Set the account's health status by hand (playbook b1's trigger).

    Returns False when the account already has that status.
    """
    if status not in HealthStatus.values:
        raise ValidationError(
            f"Unknown health status {status!r}; expected one of {', '.join(HealthStatus.values)}.",
            code="invalid_health_status",
        )
    locked = lock_account(account)
    previous = locked.health_status
    if previous == status:
        return False
    Account.objects.filter(pk=locked.pk).update(health_status=status, updated_at=clock.now())
    change = HealthStatusChange.objects.create(
        account=locked,
        from_status=previous,
        to_status=status,
        note=note,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    record_and_announce(
        signals.health_status_changed,
        sender=Account,
        account_id=locked.pk,
        change_id=change.pk,
        from_status=previous,
        to_status=status,
        note=note,
        cause=cause,
    )
    return True


@transaction.atomic
def change_happiness(*, account: Account, level: str, cause: Cause) -> bool:
    """Set the account's happiness level. Returns False if it is unchanged."""
    if level not in Happiness.values:
        raise ValidationError(f"Unknown happiness level {level!r}.", code="invalid_happiness")
    locked = lock_account(account)
    previous = locked.happiness
    if previous == level:
        return False
    Account.objects.filter(pk=locked.pk).update(happiness=level, updated_at=clock.now())
    change = HappinessChange.objects.create(
        account=locked,
        from_level=previous,
        to_level=level,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    record_and_announce(
        signals.happiness_changed,
        sender=Account,
        account_id=locked.pk,
        change_id=change.pk,
        from_level=previous,
        to_level=level,
        cause=cause,
    )
    return True


@transaction.atomic
def change_plan(
    *, account: Account, cause: Cause, plan: str | None = None, mrr: Decimal | None = None
) -> bool:
    """Move the account to another plan and/or MRR (None keeps each as it is).

    Returns False if both are unchanged.
    """
    if plan is not None and plan not in Plan.values:
        raise ValidationError(f"Unknown plan {plan!r}.", code="invalid_plan")
    if mrr is not None:
        mrr = _clean_mrr(mrr)
    locked = lock_account(account)
    plan = locked.plan if plan is None else plan
    new_mrr = locked.mrr if mrr is None else mrr
    if locked.plan == plan and locked.mrr == new_mrr:
        return False
    Account.objects.filter(pk=locked.pk).update(plan=plan, mrr=new_mrr, updated_at=clock.now())
    event = AccountEvent.objects.create(
        account=locked,
        kind=AccountEventKind.PLAN_CHANGED,
        data={
            "from_plan": locked.plan,
            "to_plan": plan,
            "from_mrr": str(locked.mrr),
            "to_mrr": str(new_mrr),
        },
        created_at=clock.now(),
        **cause.as_fields(),
    )
    if locked.plan != plan:
        record_and_announce(
            signals.plan_changed,
            sender=Account,
            account_id=locked.pk,
            event_id=event.pk,
            from_plan=locked.plan,
            to_plan=plan,
            cause=cause,
        )
    return True


@transaction.atomic
def cancel_subscription(*, account: Account, cause: Cause) -> bool:
    """Mark the account churned (playbook e3's trigger). Returns False if already churned."""
    locked = lock_account(account)
    changed = (
        Account.objects.filter(pk=locked.pk)
        .exclude(lifecycle=Lifecycle.CHURNED)
        .update(lifecycle=Lifecycle.CHURNED, mrr=0, updated_at=clock.now())
    )
    if changed:
        event = AccountEvent.objects.create(
            account=locked,
            kind=AccountEventKind.CANCELLED,
            data={"mrr_lost": str(locked.mrr)},
            created_at=clock.now(),
            **cause.as_fields(),
        )
        record_and_announce(
            signals.subscription_cancelled,
            sender=Account,
            account_id=locked.pk,
            event_id=event.pk,
            cause=cause,
        )
    return bool(changed)


@transaction.atomic
def upsert_contact(
    *,
    account: Account,
    cause: Cause,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_primary: bool | None = None,
    external_id: str = "",
    contact: Contact | None = None,
) -> tuple[Contact, bool]:
    """Create or update a contact: `contact` if given, else matched by external id, then email.

    A field passed as None keeps the contact's current value (a new contact
    gets an empty one, and is not primary); "" clears it. So a sender that
    leaves the phone out of a re-sent sign-up does not erase it. A contact
    first created by e-mail and later sent with an external id is the same
    person: the id is filled in, not a second contact created. Making a
    contact primary demotes the previous primary contact. Returns (contact,
    changed); a call that changes nothing writes nothing.
    """
    field = Contact._meta.get_field
    given = {}
    if name is not None:
        given["name"] = text_for_field(name, field("name"), "The contact's name")
        if not given["name"]:
            raise ValidationError("A contact needs a name.", code="required")
    if email is not None:
        given["email"] = email_address(email) if email.strip() else ""
    if phone is not None:
        given["phone"] = text_for_field(phone, field("phone"), "The phone number")
        if given["phone"] and not _is_e164(given["phone"]):
            raise ValidationError(
                f"Phone {phone!r} is not in E.164 form (e.g. +14155550100).",
                code="invalid_phone",
            )
    if is_primary is not None:
        given["is_primary"] = is_primary
    external_id = clean_external_id(external_id, field("external_id"), "The contact's external id")
    email = given.get("email", "")
    locked = lock_account(account)
    require_same_account(contact, locked)
    contacts = Contact.objects.filter(account=locked)
    if contact is None and external_id:
        contact = contacts.filter(external_id=external_id).first()
    if contact is None and email:
        contact = contacts.filter(email__iexact=email).first()
        if contact is not None and contact.external_id and external_id:
            contact = None  # the same address, but another person in the SaaS product
    wanted = dict(given)
    if external_id:
        wanted["external_id"] = external_id
    if contact is None:
        if "name" not in wanted:
            raise ValidationError("A new contact needs a name.", code="required")
        wanted = {"email": "", "phone": "", "is_primary": False, **wanted}
        contact = Contact(account=locked)
        changed_fields = sorted(wanted)
    else:
        contact = contacts.get(pk=contact.pk)
        changed_fields = sorted(f for f in wanted if getattr(contact, f) != wanted[f])
        if not changed_fields:
            return contact, False
    previous_primary = None
    if wanted.get("is_primary"):
        demoted = contacts.filter(is_primary=True).exclude(pk=contact.pk)
        previous_primary = demoted.values_list("pk", flat=True).first()
        demoted.update(is_primary=False)
    for name_of_field, value in wanted.items():
        setattr(contact, name_of_field, value)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        raise ValidationError(
            f"Another contact of this account already uses {contact.email} or this external id.",
            code="contact_conflict",
        ) from None
    event = AccountEvent.objects.create(
        account=locked,
        kind=AccountEventKind.CONTACT_CHANGED,
        data={"contact_id": contact.pk, "fields": changed_fields},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    record_and_announce(
        signals.contact_changed,
        sender=Account,
        account_id=locked.pk,
        event_id=event.pk,
        contact_id=contact.pk,
        previous_primary_id=previous_primary,
        fields=changed_fields,
        cause=cause,
    )
    return contact, True


def _is_e164(phone: str) -> bool:
    return phone.startswith("+") and phone[1:].isdigit() and 8 <= len(phone) <= 16


@transaction.atomic
def opt_out_contact(
    *, contact: Contact, cause: Cause, email: bool = False, sms: bool = False
) -> bool:
    """Record that a contact's address wants no more non-transactional e-mail and/or any SMS.

    The opt-out belongs to the address (OptOut), so it holds on every account
    that lists the same e-mail or phone. Returns False if the addresses asked
    had already opted out. The outbox checks them for every message.
    """
    current = Contact.objects.get(pk=contact.pk)
    asked = [
        (OptOutChannel.EMAIL, current.email) if email else None,
        (OptOutChannel.SMS, current.phone) if sms else None,
    ]
    fields = []
    for channel, address in filter(None, asked):
        normalized = normalized_address(channel, address)
        if not normalized:
            continue
        _, created = OptOut.objects.get_or_create(
            channel=channel,
            address=normalized,
            defaults={"created_at": clock.now(), **cause.as_fields()},
        )
        if created:
            fields.append(f"{channel}_opt_out")
    if not fields:
        return False
    AccountEvent.objects.create(
        account_id=contact.account_id,
        kind=AccountEventKind.CONTACT_CHANGED,
        data={"contact_id": contact.pk, "fields": fields},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    return True


EDITABLE_ACCOUNT_FIELDS = ("name", "owner", "timezone", "currency", "billing_customer_id")


@transaction.atomic
def update_account(*, account: Account, cause: Cause, **changes) -> list[str]:
    """Change an account's descriptive fields (name, owner, timezone, currency, billing id).

    Returns the fields that changed; the history row keeps old and new
    values. State with its own door (plan, health, score, tags …) is
    refused here so it cannot bypass its history.
    """
    unknown = set(changes) - set(EDITABLE_ACCOUNT_FIELDS)
    if unknown:
        raise ValidationError(
            f"{', '.join(sorted(unknown))} cannot be changed here.", code="not_editable"
        )
    locked = lock_account(account)
    if "name" in changes:
        changes["name"] = text_for_field(
            changes["name"], _account_field("name"), "The account name", required=True
        )
    if "billing_customer_id" in changes:
        changes["billing_customer_id"] = text_for_field(
            changes["billing_customer_id"],
            _account_field("billing_customer_id"),
            "The billing customer id",
        )
    if changes.get("timezone"):
        validate_timezone(changes["timezone"])
    before = {field: getattr(locked, field) for field in changes}
    changed = sorted(field for field, value in changes.items() if before[field] != value)
    if not changed:
        return []
    for field in changed:
        setattr(locked, field, changes[field])
    try:
        with transaction.atomic():
            locked.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        taken = changes.get("billing_customer_id")
        raise ValidationError(
            f"Another account already has billing customer id {taken!r}.",
            code="billing_customer_conflict",
        ) from None
    AccountEvent.objects.create(
        account=locked,
        kind=AccountEventKind.UPDATED,
        data={field: [json_value(before[field]), json_value(changes[field])] for field in changed},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    return changed
