"""Ingesting events from the SaaS product: each one checked, applied once, explained.

Every item of a batch is validated and applied on its own (its own
savepoint): a bad item is refused with its reason and never blocks the good
ones. The sender's event id is recorded with the change in one transaction,
unique per sender, so a resent event is acknowledged and changes nothing.
"""

import random
import time
from collections.abc import Callable, Iterable
from itertools import groupby
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from pydantic import TypeAdapter
from pydantic import ValidationError as SchemaError

from accounts.models import Account, Contact
from accounts.services import cancel_subscription, change_plan, lock_accounts_named
from accounts.services.signups import sign_up_accounts
from activity.models import Appointment
from activity.services import appointments, features, logins, payments
from core import clock
from core.bulk import insert_rows
from core.causes import Cause
from core.queue import one_wake_up_per_task

from . import schemas
from .batches import BATCHES, sign_up_report
from .models import ApiToken, InboundEvent

EVENT = TypeAdapter(schemas.Event)
# Whose event ids these are: the SaaS product's, whichever of its tokens sent
# them, so replaying a backlog with a rotated token applies nothing twice.
# (Stripe's ids are Stripe's: api.stripe records them as "stripe".)
SENDER = "product"


class Refused(Exception):
    """An event that cannot be applied; the message says why."""


def ingest(*, token: ApiToken, items: list[Any]) -> schemas.BatchResult:
    """Apply each item once; one result per item, in order.

    Raises Contended if concurrent writers kept aborting the batch's
    transaction (it wrote nothing then; the client should retry).
    """
    parsed: list[tuple[str | None, Any, str]] = []
    for raw in items:
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        try:
            parsed.append((raw_id, EVENT.validate_python(raw), ""))
        except SchemaError as error:
            parsed.append((str(raw_id) if raw_id is not None else None, None, _explain(error)))
    for attempt in range(1, ATTEMPTS + 1):
        try:
            results = _apply_batch(token, parsed)
            break
        except OperationalError as error:
            if not _lost_a_race(error):
                raise
            if attempt == ATTEMPTS:
                raise Contended(f"Aborted {ATTEMPTS} times by concurrent writers.") from error
            # The other transaction goes on once ours is rolled back: a short,
            # jittered pause lets it finish instead of meeting it again at once.
            time.sleep(random.uniform(0.02, 0.1) * attempt)
    count = {s: sum(r.status == s for r in results) for s in ("accepted", "duplicate", "rejected")}
    return schemas.BatchResult(
        accepted=count["accepted"],
        duplicates=count["duplicate"],
        rejected=count["rejected"],
        results=results,
    )


# A deadlock or serialization failure aborts the whole batch: it is run again
# from the start, this many times at most.
ATTEMPTS = 4
# SQLSTATEs for "your transaction lost a race; run it again": deadlock_detected,
# serialization_failure (psycopg's `sqlstate`; SQLite waits instead, and has none).
RETRYABLE = {"40P01", "40001"}


class Contended(Exception):
    """A batch whose transaction concurrent writers aborted ATTEMPTS times."""


def _lost_a_race(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) in RETRYABLE


def _apply_batch(token: ApiToken, parsed: list[tuple[str | None, Any, str]]):
    """One attempt at the whole batch, in one transaction."""
    results: list[schemas.ItemResult] = []
    # One transaction for the batch, a savepoint per item: one commit, and the
    # engine is woken once for everything the batch triggered.
    with transaction.atomic(), one_wake_up_per_task():
        # Every account the batch names is locked first, in id order, outside
        # any savepoint (undoing one would release its locks): each item's own
        # locks are then already held, so two batches queue up on their first
        # shared account whatever order their items come in, and the second
        # finds the first's event ids committed. Only the ids are read: every
        # service re-reads its account under the lock anyway. Names no account
        # has yet are locked too, for the sign-ups among them.
        names = {event.account for _, event, _ in parsed if event is not None}
        accounts = lock_accounts_named(names, only=("pk", "external_id"))
        for together, run in groupby(parsed, key=lambda item: _applied_together(item[1])):
            if together:  # consecutive logins and feature use: in a few queries
                results += _apply_together(token, [event for _, event, _ in run], accounts)
                continue
            for raw_id, event, error in run:
                if event is None:
                    results.append(schemas.ItemResult(id=raw_id, status="rejected", error=error))
                else:
                    results.append(_apply(token, event, accounts))
    return results


def apply_once(
    *,
    sender: str,
    event_id: str,
    kind: str,
    apply: Callable[[], Account],
    token: ApiToken | None = None,
) -> bool:
    """Run `apply` and record (sender, event_id) in one transaction. False: seen before.

    `token` is the credential it came with, kept for audit only.
    Raises Refused or ValidationError (and writes nothing) when `apply` refuses.
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


def _apply(token: ApiToken, event, accounts: dict[str, Account]) -> schemas.ItemResult:
    try:
        applied = apply_once(
            sender=SENDER,
            event_id=event.id,
            kind=event.type,
            apply=lambda: HANDLERS[event.type](event, accounts, _cause(token, event)),
            token=token,
        )
    except (Refused, ValidationError) as error:
        return _rejected(event, error)
    return schemas.ItemResult(id=event.id, status="accepted" if applied else "duplicate")


def _applied_together(event) -> str:
    """The run `event` is applied in: "" alone; sign-ups together, apart from what
    follows them (which may name their accounts); logins and feature use together."""
    if event is None or event.type not in BATCHES:
        return ""
    return "sign-ups" if BATCHES[event.type].signs_up else "activity"


def _apply_together(
    token: ApiToken, events: list, accounts: dict[str, Account]
) -> list[schemas.ItemResult]:
    """Apply consecutive frequent events with the outcome of `_apply` on each.

    As one by one: an id sent before, or taken earlier in the batch, is a
    duplicate; otherwise the event is checked (a bad one is refused, the
    rest go in). The accepted ones are claimed and applied in one
    savepoint (their accounts are locked already, see `_apply_batch`),
    each type in one go: logins and
    feature use do not depend on one another, so a stretch where they
    interleave needs no order between types (their trigger events and
    runs follow type by type). Should another request claim an id
    meanwhile, or a service refuse what the checks let through (an
    account deleted since), the savepoint is undone and the events are
    applied one by one, which sorts it out item by item.
    """
    batches = {kind: BATCHES[kind]([e for e in events if e.type == kind]) for kind in BATCHES}
    seen = _already_received(SENDER, {event.id for event in events})
    results: dict[int, schemas.ItemResult] = {}
    accepted: dict[str, tuple[int, Any, Account]] = {}
    for position, event in enumerate(events):
        if event.id in seen or event.id in accepted:
            results[position] = schemas.ItemResult(id=event.id, status="duplicate")
            continue
        try:
            account = None if batches[event.type].signs_up else _account(event, accounts)
            batches[event.type].check(event)
        except (Refused, ValidationError) as error:
            results[position] = _rejected(event, error)
            continue
        accepted[event.id] = (position, event, account)
    signed_up: dict[str, Account] = {}
    try:
        with transaction.atomic():
            for kind, batch in batches.items():
                items = [
                    (e, a, _cause(token, e)) for _, e, a in accepted.values() if e.type == kind
                ]
                if items:
                    signed_up |= batch.record(items) or {}
            now = clock.now()
            insert_rows(
                InboundEvent,
                (
                    {
                        "sender": SENDER,
                        "event_id": event.id,
                        "kind": event.type,
                        "account": account or signed_up[event.account],
                        "token": token,
                        "received_at": now,
                    }
                    for _, event, account in accepted.values()
                ),
            )
    except (IntegrityError, ValidationError):
        return [_apply(token, event, accounts) for event in events]
    accounts |= signed_up
    for position, event, _ in accepted.values():
        results[position] = schemas.ItemResult(id=event.id, status="accepted")
    return [results[position] for position in range(len(events))]


def _already_received(sender: str, event_ids: Iterable[str]) -> set[str]:
    """Which of these ids the sender has sent before (one query)."""
    seen = InboundEvent.objects.filter(sender=sender, event_id__in=list(event_ids))
    return set(seen.values_list("event_id", flat=True))


def _cause(token: ApiToken, event) -> Cause:
    return Cause.by_api(f"event {event.id} ({event.type}) from {token.name}")


def _rejected(event, error: Refused | ValidationError) -> schemas.ItemResult:
    reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    return schemas.ItemResult(id=event.id, status="rejected", error=reason)


def _explain(error: SchemaError) -> str:
    parts = []
    for problem in error.errors()[:5]:
        where = ".".join(str(part) for part in problem["loc"]) or "event"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def _account(event, accounts: dict[str, Account]) -> Account:
    account = accounts.get(event.account)
    if account is None:
        raise Refused(f"Unknown account {event.account!r}: send account.signed_up first.")
    return account


def _signed_up(event: schemas.AccountSignedUp, accounts, cause) -> Account:
    [outcome] = sign_up_accounts([sign_up_report(event, cause)])
    if outcome.error is not None:
        raise outcome.error
    accounts[event.account] = outcome.account
    return outcome.account


def _login(event: schemas.LoginRecorded, accounts, cause) -> Account:
    account = _account(event, accounts)
    logins.record_login(account=account, occurred_at=event.occurred_at, cause=cause)
    return account


def _feature(event: schemas.FeatureUsed, accounts, cause) -> Account:
    account = _account(event, accounts)
    features.record_feature_session(
        account=account,
        feature=event.feature,
        minutes=event.minutes,
        started_at=event.started_at,
        cause=cause,
    )
    return account


def _payment(event: schemas.PaymentRecorded, accounts, cause) -> Account:
    account = _account(event, accounts)
    payments.record_payment(
        account=account,
        external_id=event.payment_id,
        invoice_id=event.invoice_id,
        amount=event.amount,
        currency=event.currency,
        succeeded=event.type == "payment.succeeded",
        failure_reason=event.failure_reason,
        occurred_at=event.occurred_at,
        cause=cause,
    )
    return account


def _cancelled(event, accounts, cause) -> Account:
    account = _account(event, accounts)
    cancel_subscription(account=account, cause=cause)
    return account


def _plan(event: schemas.PlanChanged, accounts, cause) -> Account:
    account = _account(event, accounts)
    change_plan(account=account, plan=event.plan, mrr=event.mrr, cause=cause)
    return account


def _booked(event: schemas.AppointmentBooked, accounts, cause) -> Account:
    account = _account(event, accounts)
    assignee = contact = None
    if event.assignee_email:
        assignee = get_user_model().objects.filter(email__iexact=event.assignee_email).first()
        if assignee is None:
            raise Refused(f"No staff member has the e-mail {event.assignee_email}.")
    if event.contact_email:
        contact = Contact.objects.filter(account=account, email__iexact=event.contact_email).first()
    appointments.book_appointment(
        account=account,
        kind=event.kind,
        starts_at=event.starts_at,
        duration_minutes=event.duration_minutes,
        assignee=assignee or account.owner,
        contact=contact,
        external_id=event.appointment_id,
        cause=cause,
    )
    return account


def _appointment(event, accounts) -> tuple[Account, Appointment]:
    account = _account(event, accounts)
    appointment = Appointment.objects.filter(
        account=account, external_id=event.appointment_id
    ).first()
    if appointment is None:
        raise Refused(f"Unknown appointment {event.appointment_id!r} for this account.")
    return account, appointment


def _rescheduled(event: schemas.AppointmentRescheduled, accounts, cause) -> Account:
    account, appointment = _appointment(event, accounts)
    appointments.reschedule_appointment(
        appointment=appointment, starts_at=event.starts_at, cause=cause
    )
    return account


OUTCOMES = {
    "appointment.cancelled": appointments.cancel_appointment,
    "appointment.attended": appointments.mark_appointment_attended,
    "appointment.no_show": appointments.mark_appointment_no_show,
}


def _outcome(event: schemas.AppointmentOutcome, accounts, cause) -> Account:
    account, appointment = _appointment(event, accounts)
    OUTCOMES[event.type](appointment=appointment, cause=cause)
    return account


HANDLERS: dict[str, Callable[[Any, dict, Cause], Account]] = {
    "account.signed_up": _signed_up,
    "login": _login,
    "feature.used": _feature,
    "payment.succeeded": _payment,
    "payment.failed": _payment,
    "subscription.cancelled": _cancelled,
    "plan.changed": _plan,
    "appointment.booked": _booked,
    "appointment.rescheduled": _rescheduled,
    "appointment.cancelled": _outcome,
    "appointment.attended": _outcome,
    "appointment.no_show": _outcome,
}
