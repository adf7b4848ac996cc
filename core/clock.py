"""The one place OpenCSM reads "now" from.

Services, sweeps and waits call `now()` instead of `timezone.now()` directly,
so a whole playbook can be replayed on a virtual clock (time-machine in tests,
`virtual` for the dry-run simulator, workflows.simulation) by moving a single
source of time. `virtual` is a context variable, not a patch: a simulation in
one request never moves the clock of another thread.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone


class VirtualClock:
    """A clock that stands still until moved (`move_to`); only ever forward."""

    def __init__(self, start: datetime) -> None:
        self.current = require_aware(start, "The virtual clock's start")

    def move_to(self, moment: datetime) -> None:
        self.current = max(self.current, moment)


_virtual: ContextVar[VirtualClock | None] = ContextVar("virtual_clock", default=None)


def now() -> datetime:
    """The current, timezone-aware time (the virtual clock's, inside `virtual`)."""
    clock = _virtual.get()
    return clock.current if clock is not None else timezone.now()


@contextmanager
def virtual(start: datetime) -> Iterator[VirtualClock]:
    """Within this block (and this thread or task only), `now()` is a VirtualClock's time."""
    clock = VirtualClock(start)
    token = _virtual.set(clock)
    try:
        yield clock
    finally:
        _virtual.reset(token)


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
