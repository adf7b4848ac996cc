"""Runs of a date-relative playbook keep to the date: its steps are due on a schedule.

A "30 days before renewal" playbook of [e-mail, wait 14 days, e-mail] means: the first
e-mail on the trigger day, the second 14 days later, whatever day the run started. So a
run of a date event (workflows.triggers.dates) is anchored: each top-level step is due
at the anchor (the trigger day, at the time of day the event was recorded, in the team's
timezone) plus the top-level waits before it, counted in calendar days on the wall clock
(a "wait 1 day" across a DST change still lands at the same hour). A wait whose end has
passed is not waited.

An account whose trigger day had already passed when it entered (it joined late, its
date was set late, or the playbook was published after that day: the event's `late`)
starts where the workflow's late-joiner policy says:

- skip past steps: steps whose time has passed are not run; the run goes on with the
  first one still ahead, at its time;
- run the latest only: of the steps whose time has passed, only the latest runs (now);
  the rest follow at their times;
- run all: every step whose time has passed runs now, in order; the rest at their times.

Steps not run are recorded as "skipped" with the day they were due. Nested steps (inside
a decision's or a wait-for's paths) are not on the schedule: they run as their path does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from .actions import WAIT
from .actions.wait import delay
from .triggers.dates import ALL, DATE_REACHED, LATE_POLICIES, LATEST, SKIP


def team_zone() -> ZoneInfo:
    """The team's timezone: its calendar says which day "today" and a date's days are."""
    return ZoneInfo(settings.TIME_ZONE)


def anchor_of(kind: str, data: dict, recorded_at: datetime) -> datetime | None:
    """When a date event's schedule starts (None for any other event): its trigger day at
    the time of day it was recorded, in the team's timezone."""
    if kind != DATE_REACHED or not data.get("anchor"):
        return None
    zone = team_zone()
    clock_time = recorded_at.astimezone(zone).time().replace(tzinfo=None)
    return datetime.combine(date.fromisoformat(data["anchor"]), clock_time, tzinfo=zone)


def step_times(steps: list, anchor: datetime) -> list[datetime]:
    """When each top-level step is due: the anchor plus the waits before it (wall clock)."""
    times, elapsed = [], timedelta(0)
    for spec in steps:
        times.append(anchor + elapsed)
        if _is_wait(spec):
            elapsed += delay(spec.get("params") or {})
    return times


def wait_end(steps: list, position: int, anchor: datetime) -> datetime:
    """When the top-level wait at `position` ends on the schedule."""
    elapsed = sum(
        (delay(spec.get("params") or {}) for spec in steps[: position + 1] if _is_wait(spec)),
        timedelta(0),
    )
    return anchor + elapsed


def late_start(
    steps: list, *, anchor: datetime, policy: str, now: datetime
) -> tuple[int, list[tuple[int, datetime]]]:
    """Where a late joiner's run starts, and the steps it skips with when each was due."""
    times = step_times(steps, anchor)
    past = [i for i, spec in enumerate(steps) if not _is_wait(spec) and times[i] < now]
    if not past or policy == ALL:
        start = 0
    elif policy == LATEST:
        start = past[-1]
    else:  # SKIP, and a policy this version does not know
        start = past[-1] + 1
    return start, [(i, times[i]) for i in range(start)]


def skipped_detail(due: datetime, policy: str) -> str:
    """A skipped step's result, in words."""
    label = LATE_POLICIES.get(policy, LATE_POLICIES[SKIP]).lower()
    return (
        f"Not run: it was due on {due.astimezone(team_zone()):%Y-%m-%d}, before the account "
        f"entered (late joiners: {label})."
    )


def _is_wait(spec: object) -> bool:
    return isinstance(spec, dict) and spec.get("action") == WAIT
