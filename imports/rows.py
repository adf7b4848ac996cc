"""Applying one import row through the account services: the same doors as every other input."""

from django.core.exceptions import ValidationError

from accounts.models import Plan
from accounts.services import change_plan, sign_up_account, update_account, upsert_contact
from core.causes import Cause
from core.inputs import decimal_or_refuse

TRUE_WORDS = {"1", "true", "yes", "y"}


def apply_row(values: dict[str, str], *, owners: dict, cause: Cause, as_sign_up: bool) -> str:
    """Upsert the row's account (and contact); returns "created", "updated" or "unchanged".

    A blank plan or MRR keeps the account's own (a new account starts free at
    0). Without `as_sign_up` a new account is recorded as imported, not as a
    sign-up: it is placed in its pipelines but gets no welcome e-mail.
    """
    plan = values.get("plan") or None
    mrr = decimal_or_refuse(values["mrr"], "mrr") if values.get("mrr") else None
    owner = None
    if values.get("owner_email"):
        owner = owners.get(values["owner_email"].lower())
        if owner is None:
            raise ValidationError(f"No staff member has the e-mail {values['owner_email']}.")
    account, created = sign_up_account(
        external_id=values.get("external_id", ""),
        name=values.get("name", ""),
        plan=plan or Plan.FREE,
        mrr=mrr or 0,
        owner=owner,
        cause=cause,
        announce_as_sign_up=as_sign_up,
    )
    changed = created
    if not created:
        if plan or mrr is not None:
            changed |= change_plan(account=account, plan=plan or account.plan, mrr=mrr, cause=cause)
        details = {"name": values["name"]}
        if owner is not None:
            details["owner"] = owner
        changed |= bool(update_account(account=account, cause=cause, **details))
    extra = {k: values[k] for k in ("timezone", "billing_customer_id") if values.get(k)}
    if extra:
        changed |= bool(update_account(account=account, cause=cause, **extra))
    if values.get("contact_name") or values.get("contact_email"):
        _, contact_changed = upsert_contact(
            account=account,
            name=values.get("contact_name") or values.get("contact_email", ""),
            email=values.get("contact_email", ""),
            phone=values.get("contact_phone", ""),
            external_id=values.get("contact_external_id", ""),
            is_primary=values.get("contact_primary", "").lower() in TRUE_WORDS,
            cause=cause,
        )
        changed |= contact_changed
    if created:
        return "created"
    return "updated" if changed else "unchanged"
