"""Where an account's timeline items come from: one small source per kind of row.

Each source says which rows of one table belong to the account (with the joins
its text needs), which column dates them, which filter group it belongs to,
and how a row reads. Staff alerts are the one grouped source: every copy of an
alert (one per recipient and channel, sharing its cause key) is one line.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.text import Truncator

from accounts.models import Account, HealthStatusChange, TagEvent
from activity.models import (
    Appointment,
    FeatureSession,
    Feedback,
    Login,
    Payment,
    ProductEvent,
    Task,
)
from core.money import format_money
from health.models import HealthOverride
from notifications.models import Message
from pipelines.models import StageMove
from scoring.models import ScoreEntry
from workflows.models import Run
from workflows.triggers.registry import BY_KEY
from workqueue.models import SignalEvent, Touch

from .timeline_health import (
    health_detail,
    health_text,
    override_detail,
    override_ended,
    override_ended_text,
    override_text,
)

# The filter groups, in the order the page offers them. "customer" is what the
# customer did themselves; the rest is what we (people and automations) did.
GROUPS = {
    "customer": "Customer activity",
    "messages": "Messages to the customer",
    "changes": "Tags, stages, health",
    "tasks": "Tasks",
    "work": "Calls, notes and signals",
    "score": "Score points",
    "alerts": "Team alerts",
    "runs": "Workflow runs",
}


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened to an account, for its timeline."""

    when: datetime
    kind: str  # login, feature, payment, appointment, feedback, task, message, stage, tag, run …
    icon: str  # a Bootstrap icon name
    text: str
    detail: str = ""
    link: str = ""
    group: str = ""
    # Where it sits in the feed's order (when, source, pk): the keyset cursor.
    source: int = 0
    pk: int = 0

    @property
    def by_customer(self) -> bool:
        return self.group == "customer"


@dataclass(frozen=True)
class Source:
    """One kind of timeline row: its rows, date column, group and wording."""

    kind: str
    group: str
    icon: str
    rows: Callable[[Account], QuerySet]
    by: str
    text: Callable[[Any], str]
    detail: Callable[[Any], str] = lambda row: ""


def person(user) -> str:
    """A staff member as colleagues know them: full name, else the username."""
    return (user.get_full_name() or user.get_username()) if user else "someone"


def trigger_label(kind: str) -> str:
    """A trigger's name as the workflows page shows it ("Feature not used"), not its key."""
    trigger = BY_KEY.get(kind)
    return trigger.name if trigger else kind.replace("_", " ").capitalize()


def _cause(row) -> str:
    return row.cause_display


def _payment_text(row: Payment) -> str:
    return f"Payment {row.get_status_display().lower()}: {format_money(row.amount, row.currency)}"


def _customer_message_text(row: Message) -> str:
    if row.contact_id and row.contact:
        to = row.contact.name
    elif row.recipient.startswith("contact:"):  # the outbox's key for "no address to use"
        to = "no one (no contact to write to)"
    else:
        to = row.recipient
    return f"{row.get_channel_display()} to {to}: {row.subject or row.body_text[:60]}"


def _message_detail(row: Message) -> str:
    return row.get_status_display() + (f" — {row.last_error}" if row.last_error else "")


def _run_detail(row: Run) -> str:
    on = f"on “{trigger_label(row.event.kind)}”"
    return on + (f" — {row.last_error}" if row.last_error else "")


def _touch_text(row: Touch) -> str:
    who = f" with {row.contact.name}" if row.contact_id and row.contact else ""
    # A long summary is shortened visibly (…), not cut mid-word; the page shows no more.
    summary = Truncator(row.summary).chars(80)
    return f"{row.get_kind_display()}{who} by {person(row.author)}: {summary}"


def _touch_detail(row: Touch) -> str:
    parts = [
        f"Outcome: {row.outcome}" if row.outcome else "",
        f"Next: {row.next_step}" if row.next_step else "",
    ]
    return " · ".join(part for part in parts if part)


def _signal_text(row: SignalEvent) -> str:
    outcome = row.data.get("outcome")
    said = f" — outcome: {outcome}" if outcome else ""
    return f"Signal “{row.signal.title}” {row.get_action_display().lower()}{said}"


def _signal_detail(row: SignalEvent) -> str:
    note = row.data.get("note")
    return row.cause_display + (f" — {note}" if note else "")


def _product_event_detail(row: ProductEvent) -> str:
    """A custom event's first few properties, `key: value`, for the timeline."""
    shown = list(row.properties.items())[:4] if isinstance(row.properties, dict) else []
    return ", ".join(f"{key}: {value}" for key, value in shown)[:200]


SOURCES: list[Source] = [
    Source(
        "login",
        "customer",
        "box-arrow-in-right",
        lambda a: Login.objects.filter(account=a),
        "occurred_at",
        lambda x: "Logged in",
    ),
    Source(
        "feature",
        "customer",
        "lightning",
        lambda a: FeatureSession.objects.filter(account=a).select_related("feature"),
        "started_at",
        lambda x: f"{x.minutes} min in {x.feature.name}",
    ),
    Source(
        "payment",
        "customer",
        "credit-card",
        lambda a: Payment.objects.filter(account=a),
        "occurred_at",
        _payment_text,
        lambda x: x.failure_reason,
    ),
    Source(
        "appointment",
        "customer",
        "calendar-event",
        lambda a: Appointment.objects.filter(account=a),
        "starts_at",
        lambda x: f"{x.get_kind_display()} ({x.get_status_display().lower()})",
    ),
    Source(
        "feedback",
        "customer",
        "chat-heart",
        lambda a: Feedback.objects.filter(account=a),
        "submitted_at",
        lambda x: f"NPS {x.nps}",
        lambda x: x.comment,
    ),
    Source(
        "task",
        "tasks",
        "check2-square",
        lambda a: Task.objects.filter(account=a).select_related("assignee"),
        "created_at",
        lambda x: f"Task: {x.title} ({x.get_status_display().lower()})",
        lambda x: f"{x.get_source_display()} · for {person(x.assignee)}",
    ),
    Source(
        "message",
        "messages",
        "envelope",
        lambda a: Message.objects.filter(account=a, user=None).select_related("contact"),
        "created_at",
        _customer_message_text,
        _message_detail,
    ),
    Source(
        "stage",
        "changes",
        "kanban",
        lambda a: StageMove.objects.filter(account=a).select_related(
            "to_stage__pipeline", "cause_user"
        ),
        "created_at",
        lambda x: f"Moved to {x.to_stage}",
        _cause,
    ),
    Source(
        "tag",
        "changes",
        "tag",
        lambda a: TagEvent.objects.filter(account=a).select_related("tag", "cause_user"),
        "created_at",
        lambda x: f"Tag {x.tag.name} {x.get_action_display().lower()}",
        _cause,
    ),
    Source(
        "health",
        "changes",
        "heart-pulse",
        lambda a: HealthStatusChange.objects.filter(account=a).select_related("cause_user"),
        "created_at",
        health_text,
        health_detail,
    ),
    Source(
        "score",
        "score",
        "graph-up-arrow",
        lambda a: ScoreEntry.objects.filter(account=a).select_related("cause_user"),
        "created_at",
        lambda x: f"{x.points:+d} points: {x.reason}",
        _cause,
    ),
    Source(
        "run",
        "runs",
        "diagram-3",
        lambda a: (
            Run.objects.filter(account=a)
            .exclude(status="skipped")
            .select_related("workflow", "event")
        ),
        "created_at",
        lambda x: f"Workflow {x.workflow.name}: {x.get_status_display().lower()}",
        _run_detail,
    ),
    # Sources added later go last: a source's index is part of the feed's cursor.
    Source(
        "touch",
        "work",
        "telephone",
        lambda a: Touch.objects.filter(account=a).select_related("contact", "author"),
        "happened_at",
        _touch_text,
        _touch_detail,
    ),
    Source(
        "signal",
        "work",
        "flag",
        lambda a: (
            SignalEvent.objects.filter(account=a)
            .exclude(action="repeated")
            .select_related("signal", "cause_user")
        ),
        "created_at",
        _signal_text,
        _signal_detail,
    ),
    Source(
        "override",
        "changes",
        "heart-pulse",
        lambda a: HealthOverride.objects.filter(account=a).select_related("cause_user"),
        "created_at",
        override_text,
        override_detail,
    ),
    Source(
        "override-expired",
        "changes",
        "hourglass-bottom",
        override_ended,
        "expires_at",
        override_ended_text,
        lambda x: x.reason,
    ),
    Source(
        "product_event",
        "customer",
        "activity",
        lambda a: ProductEvent.objects.filter(account=a),
        "occurred_at",
        lambda x: x.name,
        _product_event_detail,
    ),
]


def staff_alert_groups(account: Account, after: Q, n: int) -> list[dict]:
    """The account's newest `n` staff alerts past the cursor `after`, each alert once.

    A staff alert is one message per recipient and channel, all sharing the cause
    key of the step that sent them; grouping by it (in the database) makes the
    copies one row with its newest time and highest id, which the keyset orders by.
    """
    return list(
        Message.objects.filter(account=account, user__isnull=False)
        .values("cause_key")
        .annotate(last=Max("created_at"), top=Max("id"), copies=Count("id"))
        .filter(after)
        .order_by("-last", "-top")[:n]
    )


def staff_alert_items(account: Account, groups: list[dict], source: int) -> list[TimelineItem]:
    """One item per alert: "In-app alert to 3 people: <title>", the people and how it went.

    One query reads the copies of every alert on the page (their recipients and
    statuses), however many alerts and people.
    """
    keys = [group["cause_key"] for group in groups]
    copies: dict[str, list[Message]] = {key: [] for key in keys}
    rows = (
        Message.objects.filter(account=account, user__isnull=False, cause_key__in=keys)
        .select_related("user")
        .only(
            "cause_key", "channel", "status", "subject", "body_text", "last_error",
            "user__username", "user__first_name", "user__last_name",
        )
        .order_by("pk")
    )  # fmt: skip
    for row in rows:
        copies[row.cause_key].append(row)
    return [
        _alert_item(group, copies[group["cause_key"]], source)
        for group in groups
        if copies[group["cause_key"]]
    ]


def _alert_item(group: dict, copies: list[Message], source: int) -> TimelineItem:
    first = copies[0]
    people = sorted({person(copy.user) for copy in copies})
    channels = sorted({copy.get_channel_display() for copy in copies})
    to = people[0] if len(people) == 1 else f"{len(people)} people"
    what = first.subject or first.body_text[:60]
    statuses: dict[str, int] = {}
    for copy in copies:
        label = copy.get_status_display().lower()
        statuses[label] = statuses.get(label, 0) + 1
    how = ", ".join(f"{count} {label}" for label, count in statuses.items())
    shown = ", ".join(people[:5]) + (f" and {len(people) - 5} more" if len(people) > 5 else "")
    return TimelineItem(
        when=group["last"],
        kind="alert",
        icon="bell",
        text=f"{' and '.join(channels)} to {to}: {what}",
        detail=f"{shown} · {how}" if len(people) > 1 else how.capitalize(),
        group="alerts",
        source=source,
        pk=group["top"],
    )
