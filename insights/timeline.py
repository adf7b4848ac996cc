"""An account's timeline: one chronological feed of everything that happened to it."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import Account, HealthStatusChange, TagEvent
from activity.models import Appointment, FeatureSession, Feedback, Login, Payment, Task
from notifications.models import Message
from pipelines.models import StageMove
from scoring.models import ScoreEntry
from workflows.models import Run


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened to an account, for its timeline."""

    when: datetime
    kind: str  # login, feature, payment, appointment, feedback, task, message, stage, tag, run …
    icon: str  # a Bootstrap icon name
    text: str
    detail: str = ""
    link: str = ""


def _newest(rows, account: Account, n: int, *, by: str = "created_at", related=()) -> QuerySet:
    """The account's newest `n` of `rows` (manager or queryset), joined with what the text needs."""
    rows = rows.filter(account=account)
    if related:  # select_related() with no names would join every foreign key
        rows = rows.select_related(*related)
    return rows.order_by(f"-{by}")[:n]


def _logins(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(x.occurred_at, "login", "box-arrow-in-right", "Logged in")
        for x in _newest(Login.objects, account, n, by="occurred_at")
    ]


def _feature_sessions(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(x.started_at, "feature", "lightning", f"{x.minutes} min in {x.feature.name}")
        for x in _newest(FeatureSession.objects, account, n, by="started_at", related=("feature",))
    ]


def _payments(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.occurred_at,
            "payment",
            "credit-card",
            f"Payment {x.get_status_display().lower()}: {x.amount} {x.currency}",
            x.failure_reason,
        )
        for x in _newest(Payment.objects, account, n, by="occurred_at")
    ]


def _appointments(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.starts_at,
            "appointment",
            "calendar-event",
            f"{x.get_kind_display()} ({x.get_status_display().lower()})",
        )
        for x in _newest(Appointment.objects, account, n, by="starts_at")
    ]


def _feedback(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(x.submitted_at, "feedback", "chat-heart", f"NPS {x.nps}", x.comment)
        for x in _newest(Feedback.objects, account, n, by="submitted_at")
    ]


def _tasks(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.created_at,
            "task",
            "check2-square",
            f"Task: {x.title} ({x.get_status_display().lower()})",
            x.get_source_display(),
        )
        for x in _newest(Task.objects, account, n)
    ]


def _messages(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.created_at,
            "message",
            "envelope" if x.channel != "in_app" else "bell",
            f"{x.get_channel_display()} to {x.user if x.user_id else x.recipient}: "
            f"{x.subject or x.body_text[:60]}",
            x.get_status_display() + (f" — {x.last_error}" if x.last_error else ""),
        )
        for x in _newest(Message.objects, account, n, related=("user",))
    ]


def _stage_moves(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(x.created_at, "stage", "kanban", f"Moved to {x.to_stage}", x.cause_display)
        for x in _newest(
            StageMove.objects, account, n, related=("to_stage__pipeline", "cause_user")
        )
    ]


def _tag_events(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.created_at,
            "tag",
            "tag",
            f"Tag {x.tag.name} {x.get_action_display().lower()}",
            x.cause_display,
        )
        for x in _newest(TagEvent.objects, account, n, related=("tag", "cause_user"))
    ]


def _health_changes(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.created_at,
            "health",
            "heart-pulse",
            f"Health set to {x.get_to_status_display()}",
            f"{x.cause_display}{' — ' + x.note if x.note else ''}",
        )
        for x in _newest(HealthStatusChange.objects, account, n, related=("cause_user",))
    ]


def _score_entries(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.created_at,
            "score",
            "graph-up-arrow",
            f"{x.points:+d} points: {x.reason}",
            x.cause_display,
        )
        for x in _newest(ScoreEntry.objects, account, n, related=("cause_user",))
    ]


def _runs(account: Account, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            x.created_at,
            "run",
            "diagram-3",
            f"Workflow {x.workflow.name}: {x.get_status_display().lower()}",
            f"on {x.event.kind}" + (f" — {x.last_error}" if x.last_error else ""),
        )
        for x in _newest(
            Run.objects.exclude(status="skipped"), account, n, related=("workflow", "event")
        )
    ]


# Each source gives an account's newest `n` rows of one kind, in one query.
SOURCES: list[Callable[[Account, int], list[TimelineItem]]] = [
    _logins,
    _feature_sessions,
    _payments,
    _appointments,
    _feedback,
    _tasks,
    _messages,
    _stage_moves,
    _tag_events,
    _health_changes,
    _score_entries,
    _runs,
]


def timeline(account: Account, *, per_source: int = 30, limit: int = 60) -> list[TimelineItem]:
    """Everything that happened to the account, newest first, in a fixed number of queries.

    Each source gives its newest `per_source` rows; the merge keeps `limit`.
    """
    items = [item for source in SOURCES for item in source(account, per_source)]
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]
