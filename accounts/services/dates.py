"""An account's custom dates (DateAttribute values): set or cleared with history."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.causes import Cause
from core.records import json_value

from ..models import Account, AccountDate, AccountEvent, AccountEventKind, DateAttribute
from .locks import lock_account


@transaction.atomic
def set_account_date(*, account: Account, key: str, value: date | None, cause: Cause) -> bool:
    """Give the account its `key` date (None clears it); True if it changed.

    The history row ("Details changed") keeps old and new values, like any other detail.
    An unknown key is refused: the attribute is defined first (admin: Date attributes).
    """
    attribute = DateAttribute.objects.filter(key=key).first()
    if attribute is None:
        raise ValidationError(f"There is no account date {key!r}.", code="unknown_date")
    if value is not None and not isinstance(value, date):
        raise ValidationError("A date is a calendar day, e.g. 2026-03-31.", code="invalid_date")
    locked = lock_account(account)
    current = AccountDate.objects.filter(account=locked, attribute=attribute).first()
    before = current.value if current else None
    if before == value:
        return False
    if value is None:
        current.delete()
    else:
        AccountDate.objects.update_or_create(
            account=locked, attribute=attribute, defaults={"value": value}
        )
    AccountEvent.objects.create(
        account=locked,
        kind=AccountEventKind.UPDATED,
        data={f"date:{key}": [json_value(before), json_value(value)]},
        created_at=clock.now(),
        **cause.as_fields(),
    )
    return True
