"""Every state change of an account, its tags and its health: one door each.

Each function is atomic, records its cause in a history row, announces the
change after commit, and returns what changed, so repeating a call with the
same effect is a visible no-op rather than an error or a duplicate row.
"""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from core import clock
from core.causes import Cause
from core.events import send_on_commit

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
    Plan,
    Tag,
    TagAction,
    TagEvent,
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


def sign_up_account(
    *,
    external_id: str,
    name: str,
    cause: Cause,
    plan: str = Plan.FREE,
    mrr: Decimal = Decimal(0),
    signed_up_at: datetime | None = None,
    owner=None,
) -> tuple[Account, bool]:
    """Create the account for a new SaaS sign-up (playbook a1's trigger).

    Returns (account, created). The SaaS product's id is the identity: the
    same sign-up reported again returns the existing account unchanged.
    """
    external_id = (external_id or "").strip()
    name = (name or "").strip()
    if not external_id:
        raise ValidationError("An account needs the SaaS product's external id.", code="required")
    if not name:
        raise ValidationError("An account needs a name.", code="required")
    if plan not in Plan.values:
        raise ValidationError(f"Unknown plan {plan!r}.", code="invalid_plan")
    if mrr < 0:
        raise ValidationError("MRR cannot be negative.", code="negative_mrr")
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
            send_on_commit(
                signals.account_signed_up, sender=Account, account_id=account.pk, cause=cause
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


def _tag_for_name(name: str) -> Tag:
    name = _clean_tag_name(name)
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag:
        return tag
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:
        return Tag.objects.get(name__iexact=name)


@transaction.atomic
def add_tag(*, account: Account, tag: str | Tag, cause: Cause) -> bool:
    """Put `tag` on `account` (created by name if new). Returns False if already there."""
    locked = lock_account(account)
    tag = tag if isinstance(tag, Tag) else _tag_for_name(tag)
    now = clock.now()
    _, created = AccountTag.objects.get_or_create(
        account=locked, tag=tag, defaults={"added_at": now}
    )
    if not created:
        return False
    TagEvent.objects.create(
        account=locked, tag=tag, action=TagAction.ADDED, created_at=now, **cause.as_fields()
    )
    send_on_commit(
        signals.tag_added, sender=Account, account_id=locked.pk, tag_name=tag.name, cause=cause
    )
    return True


@transaction.atomic
def remove_tag(*, account: Account, tag: str | Tag, cause: Cause) -> bool:
    """Take `tag` off `account`. Returns False if it was not there."""
    locked = lock_account(account)
    if isinstance(tag, str):
        tag = Tag.objects.filter(name__iexact=_clean_tag_name(tag)).first()
        if tag is None:
            return False
    deleted, _ = AccountTag.objects.filter(account=locked, tag=tag).delete()
    if not deleted:
        return False
    TagEvent.objects.create(
        account=locked,
        tag=tag,
        action=TagAction.REMOVED,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    send_on_commit(
        signals.tag_removed, sender=Account, account_id=locked.pk, tag_name=tag.name, cause=cause
    )
    return True


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
    HealthStatusChange.objects.create(
        account=locked,
        from_status=previous,
        to_status=status,
        note=note,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    send_on_commit(
        signals.health_status_changed,
        sender=Account,
        account_id=locked.pk,
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
    HappinessChange.objects.create(
        account=locked,
        from_level=previous,
        to_level=level,
        created_at=clock.now(),
        **cause.as_fields(),
    )
    send_on_commit(
        signals.happiness_changed,
        sender=Account,
        account_id=locked.pk,
        from_level=previous,
        to_level=level,
        cause=cause,
    )
    return True


@transaction.atomic
def change_plan(*, account: Account, plan: str, cause: Cause, mrr: Decimal | None = None) -> bool:
    """Move the account to another plan (and MRR). Returns False if both are unchanged."""
    if plan not in Plan.values:
        raise ValidationError(f"Unknown plan {plan!r}.", code="invalid_plan")
    if mrr is not None and mrr < 0:
        raise ValidationError("MRR cannot be negative.", code="negative_mrr")
    locked = lock_account(account)
    new_mrr = locked.mrr if mrr is None else mrr
    if locked.plan == plan and locked.mrr == new_mrr:
        return False
    Account.objects.filter(pk=locked.pk).update(plan=plan, mrr=new_mrr, updated_at=clock.now())
    AccountEvent.objects.create(
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
        send_on_commit(
            signals.plan_changed,
            sender=Account,
            account_id=locked.pk,
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
        AccountEvent.objects.create(
            account=locked,
            kind=AccountEventKind.CANCELLED,
            data={"mrr_lost": str(locked.mrr)},
            created_at=clock.now(),
            **cause.as_fields(),
        )
        send_on_commit(
            signals.subscription_cancelled, sender=Account, account_id=locked.pk, cause=cause
        )
    return bool(changed)


CONTACT_FIELDS = ("name", "email", "phone", "is_primary")


@transaction.atomic
def upsert_contact(
    *,
    account: Account,
    cause: Cause,
    name: str,
    email: str = "",
    phone: str = "",
    is_primary: bool = False,
    external_id: str = "",
) -> tuple[Contact, bool]:
    """Create or update a contact, matched by external id (else by email).

    Making a contact primary demotes the previous primary contact. Returns
    (contact, changed); a call that changes nothing writes nothing.
    """
    name, email, phone = (name or "").strip(), (email or "").strip().lower(), (phone or "").strip()
    if not name:
        raise ValidationError("A contact needs a name.", code="required")
    if email:
        validate_email(email)
    if phone and not (phone.startswith("+") and phone[1:].isdigit() and 8 <= len(phone) <= 16):
        raise ValidationError(
            f"Phone {phone!r} is not in E.164 form (e.g. +14155550100).", code="invalid_phone"
        )
    locked = lock_account(account)
    contacts = Contact.objects.filter(account=locked)
    contact = None
    if external_id:
        contact = contacts.filter(external_id=external_id).first()
    elif email:
        contact = contacts.filter(email=email).first()
    wanted = {"name": name, "email": email, "phone": phone, "is_primary": is_primary}
    if contact is None:
        contact = Contact(account=locked, external_id=external_id)
        changed_fields = list(CONTACT_FIELDS)
    else:
        changed_fields = [f for f in CONTACT_FIELDS if getattr(contact, f) != wanted[f]]
        if not changed_fields:
            return contact, False
    if is_primary:
        contacts.filter(is_primary=True).exclude(pk=contact.pk).update(is_primary=False)
    for field, value in wanted.items():
        setattr(contact, field, value)
    contact.save()
    AccountEvent.objects.create(
        account=locked,
        kind=AccountEventKind.CONTACT_CHANGED,
        data={"contact_id": contact.pk, "fields": changed_fields},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    send_on_commit(
        signals.contact_changed,
        sender=Account,
        account_id=locked.pk,
        contact_id=contact.pk,
        fields=changed_fields,
        cause=cause,
    )
    return contact, True


@transaction.atomic
def opt_out_contact(
    *, contact: Contact, cause: Cause, email: bool = False, sms: bool = False
) -> bool:
    """Record that a contact wants no more non-transactional e-mail and/or any SMS.

    Returns False if they had already opted out of everything asked. The
    outbox checks these flags for every message, whichever playbook sent it.
    """
    lock_account(contact.account_id)
    current = Contact.objects.get(pk=contact.pk)
    now = clock.now()
    changes = {}
    if email and current.email_opted_out_at is None:
        changes["email_opted_out_at"] = now
    if sms and current.sms_opted_out_at is None:
        changes["sms_opted_out_at"] = now
    if not changes:
        return False
    Contact.objects.filter(pk=contact.pk).update(**changes, updated_at=now)
    AccountEvent.objects.create(
        account_id=contact.account_id,
        kind=AccountEventKind.CONTACT_CHANGED,
        data={"contact_id": contact.pk, "fields": sorted(changes)},
        created_at=now,
        **cause.as_fields(),
    )
    return True
