"""An account's descriptive fields (name, owner, timezone, currency, billing id), with history."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core import clock
from core.causes import Cause
from core.inputs import text_for_field
from core.records import json_value

from ..models import Account, AccountEvent, AccountEventKind, validate_timezone
from .checks import account_field
from .locks import lock_account

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
            changes["name"], account_field("name"), "The account name", required=True
        )
    if "billing_customer_id" in changes:
        changes["billing_customer_id"] = text_for_field(
            changes["billing_customer_id"],
            account_field("billing_customer_id"),
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
