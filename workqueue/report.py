"""The team report: per CSM, signals opened and closed, median time to close, outcomes and
touches logged, over the last WINDOW_DAYS days. Three aggregate queries and one read of
the closed signals' times, whatever the data size; the Reports page draws it and
/queue/report.csv serves the same rows."""

import statistics
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count

from .models import Signal, SignalStatus, Touch

WINDOW_DAYS = 90
COLUMNS = [
    "CSM",
    "Signals opened",
    "Signals closed",
    "Median days to close",
    "Outcomes",
    "Touches logged",
]
COLOURS = ["#0d6efd", "#198754", "#fd7e14"]


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "Unassigned"


def team_rows(now: datetime) -> list[list]:
    """One row per person with any signal or touch in the window, busiest first."""
    since = now - timedelta(days=WINDOW_DAYS)
    opened = dict(
        Signal.objects.filter(opened_at__gte=since)
        .values_list("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    )
    touches = dict(
        Touch.objects.filter(created_at__gte=since)
        .values_list("author")
        .annotate(n=Count("pk"))
        .values_list("author", "n")
    )
    durations: dict[int | None, list[float]] = defaultdict(list)
    outcomes: dict[int | None, Counter] = defaultdict(Counter)
    closed = Signal.objects.filter(
        closed_at__gte=since, status__in=[SignalStatus.DONE, SignalStatus.DISMISSED]
    ).values_list("owner", "opened_at", "closed_at", "outcome")
    for owner, opened_at, closed_at, outcome in closed:
        durations[owner].append((closed_at - opened_at).total_seconds() / 86400)
        outcomes[owner][outcome] += 1
    people = set(opened) | set(touches) | set(durations)
    users = get_user_model().objects.in_bulk([pk for pk in people if pk is not None])
    rows = [
        [
            _person(users.get(pk)),
            opened.get(pk, 0),
            len(durations.get(pk, [])),
            round(statistics.median(durations[pk]), 1) if durations.get(pk) else None,
            ", ".join(f"{name} {n}" for name, n in outcomes[pk].most_common())
            if pk in outcomes
            else "",
            touches.get(pk, 0),
        ]
        for pk in people
    ]
    return sorted(rows, key=lambda row: (-(row[1] + row[2] + row[5]), row[0]))


def chart(rows: list[list]) -> dict:
    """Chart.js: opened, closed and touches per CSM as grouped horizontal bars."""
    series = [(1, "Signals opened"), (2, "Signals closed"), (5, "Touches logged")]
    return {
        "type": "bar",
        "data": {
            "labels": [row[0] for row in rows],
            "datasets": [
                {
                    "label": label,
                    "data": [row[column] for row in rows],
                    "backgroundColor": COLOURS[i],
                    "borderColor": COLOURS[i],
                }
                for i, (column, label) in enumerate(series)
            ],
        },
        "options": {
            "responsive": True,
            "maintainAspectRatio": False,
            "indexAxis": "y",
            "scales": {"x": {"beginAtZero": True}},
        },
    }
