"""How far behind the automations are, per lane: what a manager looks at first.

The drains take interactive work first (core.lanes), so a long bulk backlog is
normal on day one or after an import; interactive work waiting for minutes is
not. This reads, per lane, how many runs and messages are due and how long
the oldest has waited, in two aggregate queries (indexed on lane and due time),
for the workflows page and the `workflows.W001` database check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min

from core import clock
from core.lanes import IN_ORDER, INTERACTIVE, INTERACTIVE_BEHIND_MINUTES, Lane
from notifications.models import Message, MessageStatus

from .models import Run, RunStatus

DUE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.WAITING)


@dataclass(frozen=True)
class LaneStatus:
    """One lane's queue: due runs and messages, and since when the oldest of each waits."""

    lane: str
    runs: int
    oldest_run: datetime | None
    messages: int
    oldest_message: datetime | None
    now: datetime

    @property
    def label(self) -> str:
        return Lane(self.lane).label

    @property
    def waiting(self) -> int:
        return self.runs + self.messages

    @property
    def oldest(self) -> datetime | None:
        return min((t for t in (self.oldest_run, self.oldest_message) if t), default=None)

    @property
    def waited(self) -> timedelta:
        """How long the oldest due item has waited (zero when nothing is due)."""
        return self.now - self.oldest if self.oldest else timedelta(0)

    @property
    def behind(self) -> bool:
        """Interactive work waiting longer than a person should: the manager hears of it."""
        return self.lane == INTERACTIVE and self.waited > timedelta(
            minutes=INTERACTIVE_BEHIND_MINUTES
        )


def lane_statuses() -> list[LaneStatus]:
    """Each lane's due runs and messages, interactive first (two queries)."""
    now = clock.now()
    runs = _by_lane(Run.objects.filter(status__in=DUE_RUN_STATUSES, due_at__lte=now), "due_at")
    messages = _by_lane(
        Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now),
        "next_attempt_at",
    )
    return [
        LaneStatus(
            lane=lane,
            runs=runs.get(lane, (0, None))[0],
            oldest_run=runs.get(lane, (0, None))[1],
            messages=messages.get(lane, (0, None))[0],
            oldest_message=messages.get(lane, (0, None))[1],
            now=now,
        )
        for lane in IN_ORDER
    ]


def _by_lane(due, due_field: str) -> dict[str, tuple[int, datetime | None]]:
    rows = due.order_by().values("lane").annotate(n=Count("pk"), oldest=Min(due_field))
    return {row["lane"]: (row["n"], row["oldest"]) for row in rows}


def behind_lanes() -> list[LaneStatus]:
    """The lanes whose work waits longer than it should (today: interactive only)."""
    return [status for status in lane_statuses() if status.behind]


__all__ = ["LaneStatus", "behind_lanes", "lane_statuses"]
