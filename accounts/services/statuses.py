"""An account's health status and happiness level, set with their history rows."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal

from core import clock
from core.causes import Cause
from core.handover import record_and_announce

from .. import signals
from ..models import Account, Happiness, HappinessChange, HealthStatus, HealthStatusChange
from .locks import lock_account


@transaction.atomic
def change_health_status(*, account: Account, status: str, cause: Cause, note: str = "") -> bool:
    """Set the account's health status by hand (playbook b1's trigger).

    The Customer Health Status board follows in this same transaction
    (`signals.health_status_set`, which pipelines answers by moving the card), so
    the manager sees the card where they put it at once; the playbook adds the
    tag and messages later. Returns False when the account already has that status.
    """
    if status not in HealthStatus.values:
        raise ValidationError(
            f"Unknown health status {status!r}; expected one of {', '.join(HealthStatus.values)}.",
            code="invalid_health_status",
        )
    return _change_level(
        account,
        field="health_status",
        value=status,
        history=HealthStatusChange,
        names=("from_status", "to_status"),
        signal=signals.health_status_changed,
        cause=cause,
        at_once=signals.health_status_set,
        note=note,
    )


@transaction.atomic
def change_happiness(*, account: Account, level: str, cause: Cause) -> bool:
    """Set the account's happiness level. Returns False if it is unchanged."""
    if level not in Happiness.values:
        raise ValidationError(f"Unknown happiness level {level!r}.", code="invalid_happiness")
    return _change_level(
        account,
        field="happiness",
        value=level,
        history=HappinessChange,
        names=("from_level", "to_level"),
        signal=signals.happiness_changed,
        cause=cause,
    )


def _change_level(
    account: Account,
    *,
    field: str,
    value: str,
    history: type[models.Model],
    names: tuple[str, str],
    signal: Signal,
    cause: Cause,
    at_once: Signal | None = None,
    **extra: Any,
) -> bool:
    """Set one of the account's levels (`field`) with its history row, once.

    Health and happiness differ only in their field, history model and the names
    of their "from"/"to" columns (which are also the signal's arguments). `at_once`,
    if given, is sent inside the transaction, before the after-commit announcement,
    so its receivers' writes commit or roll back with the change.
    """
    locked = lock_account(account)
    previous = getattr(locked, field)
    if previous == value:
        return False
    now = clock.now()
    Account.objects.filter(pk=locked.pk).update(**{field: value, "updated_at": now})
    before, after = names
    change = history.objects.create(
        account=locked,
        **{before: previous, after: value},
        created_at=now,
        **extra,
        **cause.as_fields(),
    )
    facts = {"account_id": locked.pk, "change_id": change.pk, before: previous, after: value}
    if at_once is not None:
        at_once.send(sender=Account, account=locked, cause=cause, **facts)
    record_and_announce(signal, sender=Account, **facts, **extra, cause=cause)
    return True
