"""An account's health status and happiness level, set with their history rows."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core import clock
from core.causes import Cause
from core.handover import record_and_announce

from .. import signals
from ..models import Account, Happiness, HappinessChange, HealthStatus, HealthStatusChange
from .locks import lock_account


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
