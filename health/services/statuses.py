"""The manager's decisions on a computed band: accept it as the health status, or hold
another band for a while with a reason. The computed band never changes the manual
status by itself."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account, HealthStatus
from accounts.services.locks import lock_account
from accounts.services.statuses import change_health_status
from core import clock
from core.causes import Cause

from ..models import ACCEPTED_BAND_NOTE, AccountHealth, HealthOverride

MAX_OVERRIDE_DAYS = 365


def accept_computed_band(*, account: Account, cause: Cause) -> bool:
    """Make the computed band the account's health status, through the health service
    (so playbook b1 runs and the history shows it). False when it already is."""
    health = AccountHealth.objects.filter(account=account).select_related("version").first()
    if health is None:
        raise ValidationError("This account has no computed score yet.", code="no_health_score")
    note = f"{ACCEPTED_BAND_NOTE} (score {health.score}, {health.version})."
    return change_health_status(account=account, status=health.band, cause=cause, note=note)


@transaction.atomic
def override_computed_band(
    *, account: Account, band: str, reason: str, expires_at: datetime, cause: Cause
) -> HealthOverride:
    """Record that the manager holds `band` instead of the computed one until `expires_at`.

    Refuses an unknown band, an empty reason, and an expiry in the past or more than a
    year ahead. The computed score goes on being recorded; the page shows the override
    beside it until it expires.
    """
    if band not in HealthStatus.values:
        raise ValidationError(f"Unknown band {band!r}.", code="invalid_band")
    if not reason.strip():
        raise ValidationError("Say why the computed band is wrong.", code="reason_required")
    now = clock.now()
    if expires_at <= now:
        raise ValidationError("The override must expire in the future.", code="expiry_past")
    if (expires_at - now).days > MAX_OVERRIDE_DAYS:
        raise ValidationError("An override lasts at most a year.", code="expiry_too_far")
    locked = lock_account(account)
    health = AccountHealth.objects.filter(account=locked).first()
    if health is None:
        raise ValidationError("This account has no computed score yet.", code="no_health_score")
    return HealthOverride.objects.create(
        account=locked,
        band=band,
        computed_band=health.band,
        computed_score=health.score,
        reason=reason.strip()[:255],
        expires_at=expires_at,
        created_at=now,
        **cause.as_fields(),
    )


def override_in_force(account: Account | int, at: datetime | None = None) -> HealthOverride | None:
    """The latest override of the account that has not expired at `at` (now), if any."""
    at = at or clock.now()
    pk = account.pk if isinstance(account, Account) else account
    return (
        HealthOverride.objects.filter(account_id=pk, expires_at__gt=at)
        .select_related("cause_user")
        .order_by("-created_at", "-id")
        .first()
    )
