"""The one place OpenCSM reads "now" from.

Services, sweeps and waits call `now()` instead of `timezone.now()` directly,
so a whole playbook can be replayed on a virtual clock (time-machine in tests,
a dry run later) by moving a single source of time.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone


def now() -> datetime:
    """The current, timezone-aware time."""
    return timezone.now()


# Reporters' clocks drift; a fact this far ahead of ours is still believed.
ALLOWED_CLOCK_SKEW = timedelta(minutes=5)


def require_aware(value: datetime, what: str) -> datetime:
    """Refuse a naive datetime: OpenCSM never guesses a timezone for a fact."""
    if not isinstance(value, datetime):
        raise ValidationError(f"{what} must be a date and time.", code="invalid_datetime")
    if timezone.is_naive(value):
        raise ValidationError(f"{what} must include a timezone.", code="naive_datetime")
    return value


def require_past(value: datetime, what: str) -> datetime:
    """Refuse a fact reported as having happened in the future."""
    require_aware(value, what)
    if value > now() + ALLOWED_CLOCK_SKEW:
        raise ValidationError(f"{what} is in the future.", code="future_datetime")
    return value


def format_local(moment: datetime | None, zone: str = "") -> str:
    """`moment` as people read it, in `zone` (an account's) or else the team's timezone."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(zone or settings.TIME_ZONE))
    return local.strftime("%a %d %b, %H:%M %Z")
