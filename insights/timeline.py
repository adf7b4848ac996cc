"""An account's timeline: one chronological feed of everything that happened to it.

The feed is ordered by (time, source, id), newest first, and paged by keyset:
"load older" sends the position of the last item shown, and every source reads
only the rows past it (never an OFFSET, so the hundredth page costs what the
first does). Each source reads at most a page plus one row, in one query; the
merge keeps a page and knows whether another follows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.dateparse import parse_datetime

from accounts.models import Account

from .timeline_sources import (
    GROUPS,
    SOURCES,
    Source,
    TimelineItem,
    staff_alert_groups,
    staff_alert_items,
)

__all__ = ["GROUPS", "Cursor", "TimelineItem", "TimelinePage", "timeline"]

PAGE_SIZE = 50
# The grouped staff alerts sort after every plain source at the same instant.
ALERTS = len(SOURCES)


@dataclass(frozen=True)
class Cursor:
    """The position of the last item shown: its time, source and id."""

    when: datetime
    source: int
    pk: int

    def __str__(self) -> str:
        return f"{self.when.isoformat()}~{self.source}~{self.pk}"

    @classmethod
    def parse(cls, text: str) -> "Cursor":
        """Read a cursor written by `str()`; ValueError if it is not one."""
        parts = text.split("~")
        if len(parts) != 3:
            raise ValueError("not a timeline position")
        when = parse_datetime(parts[0])
        source, pk = int(parts[1]), int(parts[2])
        if when is None or when.tzinfo is None or not 0 <= source <= ALERTS or pk < 0:
            raise ValueError("not a timeline position")
        return cls(when, source, pk)

    def older(self, source: int, by: str, pk: str = "pk") -> Q:
        """The rows of `source` that come after this position in the feed's order."""
        if source < self.source:
            return Q(**{f"{by}__lte": self.when})
        if source > self.source:
            return Q(**{f"{by}__lt": self.when})
        return Q(**{f"{by}__lt": self.when}) | Q(**{by: self.when, f"{pk}__lt": self.pk})


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    next: Cursor | None  # where "load older" continues; None at the beginning of time


def _source_items(index: int, source: Source, account: Account, cursor, n: int):
    rows = source.rows(account)
    if cursor is not None:
        rows = rows.filter(cursor.older(index, source.by))
    return [
        TimelineItem(
            when=getattr(row, source.by),
            kind=source.kind,
            icon=source.icon,
            text=source.text(row),
            detail=source.detail(row),
            group=source.group,
            source=index,
            pk=row.pk,
        )
        for row in rows.order_by(f"-{source.by}", "-pk")[:n]
    ]


def timeline(
    account: Account,
    *,
    groups: set[str] | None = None,
    before: Cursor | None = None,
    limit: int = PAGE_SIZE,
) -> TimelinePage:
    """A page of the account's feed, newest first, after `before` and in `groups` (all if None).

    One query per source in the chosen groups (two for the staff alerts), whatever
    the account's history.
    """
    wanted = groups if groups else set(GROUPS)
    items = [
        item
        for index, source in enumerate(SOURCES)
        if source.group in wanted
        for item in _source_items(index, source, account, before, limit + 1)
    ]
    if "alerts" in wanted:
        after = before.older(ALERTS, "last", pk="top") if before else Q()
        found = staff_alert_groups(account, after, limit + 1)
        items += staff_alert_items(account, found, ALERTS)
    items.sort(key=lambda item: (item.when, item.source, item.pk), reverse=True)
    page = items[:limit]
    more = len(items) > limit
    last = page[-1] if page else None
    return TimelinePage(page, Cursor(last.when, last.source, last.pk) if more and last else None)
