"""Applying import rows through the account services: the same doors as every other input.

Rows for accounts not on record yet are signed up together (one batch per
slice, accounts.services.signups), so a file of new customers costs a few
queries per slice, not per row; rows for accounts on record are updated one
by one. Either way a bad row is refused alone, with its reason.
"""

import logging
from datetime import UTC, datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.dateparse import parse_date, parse_datetime

from accounts.models import Account, Plan
from accounts.services import change_plan, update_account
from accounts.services.signups import ContactReport, SignUpReport, sign_up_accounts
from core.causes import Cause
from core.inputs import decimal_or_refuse

from .parsing import Row

logger = logging.getLogger(__name__)

TRUE_WORDS = {"1", "true", "yes", "y"}
# (outcome, message): "created", "updated" or "unchanged" with "", or "error" and why.
Result = tuple[str, str]


def apply_rows(
    rows: list[Row], *, owners: dict, cause: Cause, as_sign_up: bool, preview: bool
) -> list[Result]:
    """Each row's result, in order. A `preview` writes nothing (each change is rolled back)."""
    results: dict[int, Result] = {}
    on_record = set(
        Account.objects.filter(external_id__in={row.external_id for row in rows}).values_list(
            "external_id", flat=True
        )
    )
    one_by_one: list[int] = []
    fresh: list[tuple[int, SignUpReport]] = []
    for position, row in enumerate(rows):
        if row.problem:
            results[position] = ("error", row.problem)
        elif row.external_id in on_record:
            one_by_one.append(position)
        else:
            try:
                report = row_report(row.values, owners=owners, cause=cause, as_sign_up=as_sign_up)
            except ValidationError as error:
                results[position] = _refused(error)
                continue
            fresh.append((position, report))
    try:
        with transaction.atomic():
            outcomes = sign_up_accounts([report for _, report in fresh])
            if preview:
                transaction.set_rollback(True)
    except DatabaseError:  # something the checks did not foresee: find the row one by one
        outcomes = [None] * len(fresh)
    for (position, _), outcome in zip(fresh, outcomes, strict=True):
        if outcome is not None and outcome.error is not None:
            results[position] = _refused(outcome.error)
        elif outcome is not None and outcome.created:
            results[position] = ("created", "")
        else:  # or signed up meanwhile by another request: updated as one on record
            one_by_one.append(position)
    for position in one_by_one:
        results[position] = _apply_one(rows[position], owners, cause, as_sign_up, preview)
    return [results[position] for position in range(len(rows))]


def row_report(values: dict[str, str], *, owners: dict, cause: Cause, as_sign_up: bool):
    """The sign-up a row asks for (a blank plan or MRR: free at 0), or ValidationError.

    Without `as_sign_up` a new account is recorded as imported, not as a
    sign-up: it is placed in its pipelines but gets no welcome e-mail.
    """
    plan, mrr = _plan_and_mrr(values)
    owner = None
    if values.get("owner_email"):
        owner = owners.get(values["owner_email"].lower())
        if owner is None:
            raise ValidationError(f"No staff member has the e-mail {values['owner_email']}.")
    contact = None
    if values.get("contact_name") or values.get("contact_email"):
        contact = ContactReport(
            name=values.get("contact_name") or values.get("contact_email", ""),
            email=values.get("contact_email", ""),
            phone=values.get("contact_phone", ""),
            external_id=values.get("contact_external_id", ""),
            is_primary=values.get("contact_primary", "").lower() in TRUE_WORDS,
        )
    return SignUpReport(
        external_id=values.get("external_id", ""),
        name=values.get("name", ""),
        plan=plan or Plan.FREE,
        mrr=Decimal(0) if mrr is None else mrr,
        owner=owner,
        timezone=values.get("timezone", ""),
        billing_customer_id=values.get("billing_customer_id", ""),
        contact=contact,
        cause=cause,
        announce_as_sign_up=as_sign_up,
        signed_up_at=_customer_since(values.get("signed_up_at", "")),
    )


def _customer_since(text: str) -> datetime | None:
    """A new account's real sign-up ("2023-04-01" or an ISO date-time), or None for now.

    An imported book carries its history: with its real dates the sweeps see, say, an
    unused feature as overdue at once (and hold it as history: workflows.backlogs)
    rather than the whole book reaching day 3 of onboarding together. A bare date is
    midnight UTC; an account on record keeps its own.
    """
    text = text.strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.combine(day, time(), tzinfo=UTC)
    if moment is None:
        raise ValidationError(
            f"signed_up_at {text[:40]!r} is not a date: write it as 2023-04-01 "
            "or 2023-04-01T09:30:00+00:00."
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def apply_row(values: dict[str, str], *, owners: dict, cause: Cause, as_sign_up: bool) -> str:
    """Upsert one row's account (and contact); returns "created", "updated" or "unchanged".

    A blank plan or MRR keeps an account's own; the other columns given replace its values.
    """
    report = row_report(values, owners=owners, cause=cause, as_sign_up=as_sign_up)
    [outcome] = sign_up_accounts([report])  # an account on record: only its contact changes
    if outcome.error is not None:
        raise outcome.error
    if outcome.created:
        return "created"
    account = outcome.account
    plan, mrr = _plan_and_mrr(values)
    changed = outcome.contact_changed
    if plan or mrr is not None:
        changed |= change_plan(account=account, plan=plan or account.plan, mrr=mrr, cause=cause)
    details = {"name": values["name"]}
    if report.owner is not None:
        details["owner"] = report.owner
    changed |= bool(update_account(account=account, cause=cause, **details))
    extra = {k: values[k] for k in ("timezone", "billing_customer_id") if values.get(k)}
    if extra:
        changed |= bool(update_account(account=account, cause=cause, **extra))
    return "updated" if changed else "unchanged"


def _plan_and_mrr(values: dict[str, str]) -> tuple[str | None, Decimal | None]:
    mrr = decimal_or_refuse(values["mrr"], "mrr") if values.get("mrr") else None
    return values.get("plan") or None, mrr


def _apply_one(row: Row, owners: dict, cause: Cause, as_sign_up: bool, preview: bool) -> Result:
    """One row on its own savepoint: its changes, or none of them and the reason."""
    try:
        with transaction.atomic():
            outcome = apply_row(row.values, owners=owners, cause=cause, as_sign_up=as_sign_up)
            if preview:
                transaction.set_rollback(True)
    except ValidationError as error:
        return _refused(error)
    except DatabaseError as error:  # a constraint the services did not foresee: this row only
        logger.warning("Import line %s refused by the database: %s", row.line, error)
        return "error", f"The database refused this row ({type(error).__name__})."
    return outcome, ""


def _refused(error: ValidationError) -> Result:
    return "error", " ".join(error.messages)
