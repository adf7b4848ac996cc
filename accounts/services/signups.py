"""Signing up accounts the SaaS product reports (or an import brings in), in batches.

Every item is checked on its own, with the checks and refusals of a single
sign-up: a bad item is refused with its reason and the others go in. The
new accounts, their history rows, their primary contacts and their
announcements are written with one INSERT each, however many there are;
`sign_up_account` is a batch of one. The SaaS product's id is the identity:
a sign-up for an id already on record returns that account unchanged (only
its contact is brought up to date, one item at a time).
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import clock
from core.causes import Cause
from core.handover import record_and_announce_many
from core.inputs import text_for_field

from .. import signals
from ..models import Account, AccountEvent, AccountEventKind, Contact, Plan, validate_timezone
from .checks import account_field, clean_external_id, clean_mrr
from .contacts import (
    ContactChange,
    contact_changes,
    new_contact,
    record_contact_changes,
    upsert_contact,
)

# A concurrent request may create one of a batch's accounts between its read
# and its insert: the batch is then run again (that account now exists).
ATTEMPTS = 3


@dataclass(frozen=True)
class ContactReport:
    """The contact a sign-up names; a field left as None keeps a stored contact's value."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    external_id: str = ""
    is_primary: bool | None = True


@dataclass(frozen=True)
class SignUpReport:
    """One account to sign up. Without `announce_as_sign_up` it is announced as
    imported: an existing customer, placed in its pipelines without a welcome."""

    external_id: str
    name: str
    cause: Cause
    plan: str = Plan.FREE
    mrr: Decimal = Decimal(0)
    signed_up_at: datetime | None = None
    owner: Any = None  # a staff user, or None
    timezone: str = ""
    billing_customer_id: str = ""
    contact: ContactReport | None = None
    announce_as_sign_up: bool = True


@dataclass(frozen=True)
class SignUpOutcome:
    """What became of one report: its account (None if refused), and what was written."""

    account: Account | None
    created: bool = False
    contact_changed: bool = False
    error: ValidationError | None = None


class CheckedSignUp(NamedTuple):
    report: SignUpReport  # with its values cleaned
    contact: dict[str, Any] | None  # accounts.services.contacts.contact_changes


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
    """Create the account for a new SaaS sign-up (playbook a1's trigger): a batch of one.

    Returns (account, created); raises ValidationError, writing nothing, if refused.
    """
    [outcome] = sign_up_accounts(
        [
            SignUpReport(
                external_id=external_id,
                name=name,
                cause=cause,
                plan=plan,
                mrr=mrr,
                signed_up_at=signed_up_at,
                owner=owner,
                announce_as_sign_up=announce_as_sign_up,
            )
        ]
    )
    if outcome.error is not None:
        raise outcome.error
    return outcome.account, outcome.created


def check_sign_up(report: SignUpReport) -> CheckedSignUp:
    """The report with its values cleaned, or ValidationError saying why it is refused."""
    external_id = clean_external_id(
        report.external_id, account_field("external_id"), "The external id"
    )
    name = text_for_field(report.name, account_field("name"), "The account name")
    if not external_id:
        raise ValidationError("An account needs the SaaS product's external id.", code="required")
    if not name:
        raise ValidationError("An account needs a name.", code="required")
    if report.plan not in Plan.values:
        raise ValidationError(f"Unknown plan {report.plan!r}.", code="invalid_plan")
    mrr = clean_mrr(report.mrr)
    signed_up_at = clock.require_past(report.signed_up_at or clock.now(), "The sign-up time")
    billing_customer_id = text_for_field(
        report.billing_customer_id,
        account_field("billing_customer_id"),
        "The billing customer id",
    )
    if report.timezone:
        validate_timezone(report.timezone)
    contact = None if report.contact is None else contact_changes(**asdict(report.contact))
    cleaned = replace(
        report,
        external_id=external_id,
        name=name,
        mrr=mrr,
        signed_up_at=signed_up_at,
        billing_customer_id=billing_customer_id,
    )
    return CheckedSignUp(cleaned, contact)


@transaction.atomic
def sign_up_accounts(reports: Sequence[SignUpReport]) -> list[SignUpOutcome]:
    """Sign up each report as `sign_up_account` would one after another; one outcome each.

    A refused report has its error in its outcome and writes nothing. The
    number of queries does not grow with the number of new accounts.
    """
    checked: list[CheckedSignUp | ValidationError] = []
    for report in reports:
        try:
            checked.append(check_sign_up(report))
        except ValidationError as error:
            checked.append(error)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                return _sign_up(checked)
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")


class _New(NamedTuple):
    position: int
    account: Account  # unsaved
    item: CheckedSignUp
    contact: Contact | None  # unsaved
    fields: list[str]  # the contact's fields set


class _Plan(NamedTuple):
    """What `_sign_up` will write: new accounts with their contacts, and the rest."""

    outcomes: list[SignUpOutcome | None]  # refusals filled in already
    new: list[_New]
    known: list[int]  # positions of reports for accounts on record, or new earlier in the batch


def _sign_up(checked: list[CheckedSignUp | ValidationError]) -> list[SignUpOutcome]:
    plan = _plan(checked)
    outcomes = plan.outcomes
    _create(plan.new)
    for new in plan.new:
        outcomes[new.position] = SignUpOutcome(
            new.account, created=True, contact_changed=new.contact is not None
        )
    created = {new.account.external_id: new.account for new in plan.new}
    known = [checked[position].report.external_id for position in plan.known]
    existing = _existing(set(known) - created.keys())
    for position, external_id in zip(plan.known, known, strict=True):
        account = created.get(external_id) or existing[external_id]
        outcomes[position] = _update_contact(account, checked[position])
    return outcomes


def _plan(checked: list[CheckedSignUp | ValidationError]) -> _Plan:
    """Sort the checked reports into refused, new and already known (one or two reads)."""
    reports = [item.report for item in checked if not isinstance(item, ValidationError)]
    on_record = _on_record({report.external_id for report in reports})
    billing_taken = _billing_ids_taken({r.billing_customer_id for r in reports} - {""})
    outcomes: list[SignUpOutcome | None] = [None] * len(checked)
    new: dict[str, _New] = {}
    known: list[int] = []
    for position, item in enumerate(checked):
        if isinstance(item, ValidationError):
            outcomes[position] = SignUpOutcome(None, error=item)
            continue
        report = item.report
        if report.external_id in on_record or report.external_id in new:
            known.append(position)
            continue
        try:
            account, contact, fields = _new_account(item, billing_taken)
        except ValidationError as error:
            outcomes[position] = SignUpOutcome(None, error=error)
            continue
        billing_taken.add(report.billing_customer_id)
        new[report.external_id] = _New(position, account, item, contact, fields)
    return _Plan(outcomes, list(new.values()), known)


def _on_record(external_ids: set[str]) -> set[str]:
    """Which of these accounts exist (another request may create one right after)."""
    found = Account.objects.filter(external_id__in=external_ids)
    return set(found.values_list("external_id", flat=True))


def _billing_ids_taken(billing_ids: set[str]) -> set[str]:
    if not billing_ids:
        return set()
    taken = Account.objects.filter(billing_customer_id__in=billing_ids)
    return set(taken.values_list("billing_customer_id", flat=True))


def _new_account(
    item: CheckedSignUp, billing_taken: set[str]
) -> tuple[Account, Contact | None, list[str]]:
    """The unsaved account of a report, with its contact; refused as a single sign-up would be."""
    report = item.report
    if report.billing_customer_id and report.billing_customer_id in billing_taken:
        raise ValidationError(
            f"Another account already has billing customer id {report.billing_customer_id!r}.",
            code="billing_customer_conflict",
        )
    account = Account(
        external_id=report.external_id,
        name=report.name,
        plan=report.plan,
        mrr=report.mrr,
        owner=report.owner,
        signed_up_at=report.signed_up_at,
        timezone=report.timezone,
        billing_customer_id=report.billing_customer_id,
    )
    if item.contact is None:
        return account, None, []
    contact, fields = new_contact(account, item.contact)
    return account, contact, fields


def _create(new: list[_New]) -> None:
    """Write the new accounts, their history, contacts and announcements: one INSERT each."""
    if not new:
        return
    Account.objects.bulk_create([n.account for n in new])
    now = clock.now()
    AccountEvent.objects.bulk_create(
        AccountEvent(
            account=n.account,
            kind=AccountEventKind.SIGNED_UP,
            data={"plan": n.account.plan, "mrr": str(n.account.mrr)},
            created_at=now,
            **n.item.report.cause.as_fields(),
        )
        for n in new
    )
    for signal, as_sign_up in (
        (signals.account_signed_up, True),
        (signals.account_imported, False),
    ):
        record_and_announce_many(
            signal,
            sender=Account,
            announcements=[
                {"account_id": n.account.pk, "cause": n.item.report.cause}
                for n in new
                if n.item.report.announce_as_sign_up is as_sign_up
            ],
        )
    with_contact = [n for n in new if n.contact is not None]
    if with_contact:
        Contact.objects.bulk_create([n.contact for n in with_contact])
        record_contact_changes(
            [ContactChange(n.contact, n.fields, None, n.item.report.cause) for n in with_contact]
        )


def _existing(external_ids: set[str]) -> dict[str, Account]:
    if not external_ids:
        return {}
    return Account.objects.in_bulk(external_ids, field_name="external_id")


def _update_contact(account: Account, item: CheckedSignUp) -> SignUpOutcome:
    """A sign-up for an account on record: the account stays as it is; its contact is upserted."""
    if item.contact is None:
        return SignUpOutcome(account)
    contact = item.report.contact
    try:
        _, changed = upsert_contact(account=account, cause=item.report.cause, **asdict(contact))
    except ValidationError as error:
        return SignUpOutcome(account, error=error)
    return SignUpOutcome(account, contact_changed=changed)
