"""What a simulation saw, as plain data: read from the rows it wrote, before they roll back.

The engine records every decision (the trigger event, each condition with the value
it saw, each step's outcome, each message with why it was held), so the trace is
those records, read in a handful of queries and put in order, day by day.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings

from notifications.models import Message
from notifications.transports.capture import Captured

from .. import paths
from ..models import Run, RunStatus, StepResult, TriggerEvent
from ..triggers import BY_KEY


@dataclass(frozen=True)
class SimulatedMessage:
    """One message the simulation queued, as its recipient would have seen it."""

    channel: str
    recipient: str
    to_customer: bool
    subject: str
    body_text: str
    body_html: str
    template: str
    workflow: str
    queued_at: datetime
    status: str  # sent, queued (still held at the end), suppressed, failed
    sent_at: datetime | None
    held_reason: str


@dataclass(frozen=True)
class Entry:
    """One thing that happened at `at`: a trigger, a run's start or skip, a step, a message."""

    at: datetime
    kind: str  # happening, trigger, run, skipped, step, decision, wait, goal, message, held
    title: str
    detail: str = ""
    workflow: str = ""
    conditions: tuple[dict, ...] = ()  # subject, operator, value, seen, passed
    message: SimulatedMessage | None = None


# Within one moment: what happened, then what it triggered, ran, queued and sent.
ORDER = {
    "happening": 0,
    "trigger": 1,
    "skipped": 2,
    "run": 2,
    "goal": 2,
    "decision": 3,
    "step": 3,
    "wait": 4,
    "message": 5,
    "sent": 6,
    "held": 6,
}


@dataclass(frozen=True)
class Day:
    date: date
    entries: list[Entry]


@dataclass
class Simulation:
    """A simulation's outcome: what it ran, over which period, and everything that happened."""

    account_id: int
    account_name: str
    what: str
    mode: str  # "forward" or "replay"
    start: datetime
    end: datetime
    zone: str
    entries: list[Entry] = field(default_factory=list)
    messages: list[SimulatedMessage] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    held_tasks: list[str] = field(default_factory=list)  # what would have been enqueued
    seconds: float = 0.0

    def days(self) -> list[Day]:
        """The days with something on them, in the account's timezone, in order."""
        zone = ZoneInfo(self.zone)
        by_day: dict[date, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            by_day[entry.at.astimezone(zone).date()].append(entry)
        return [Day(day, by_day[day]) for day in sorted(by_day)]

    def sent(self, *, to_customer: bool = True) -> list[SimulatedMessage]:
        """The messages that went out (to the customer, or to staff), in the order they went."""
        return sorted(
            (m for m in self.messages if m.status == "sent" and m.to_customer == to_customer),
            key=lambda m: (m.sent_at, m.queued_at),
        )


@dataclass(frozen=True)
class Marks:
    """The highest ids before the simulation: rows above them are the simulation's."""

    event: int
    run: int
    step: int
    message: int

    @classmethod
    def now(cls) -> "Marks":
        def top(model) -> int:
            return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

        return cls(top(TriggerEvent), top(Run), top(StepResult), top(Message))


def zone_of(account) -> str:
    return account.timezone or settings.TIME_ZONE


def collect(
    account_id: int, marks: Marks, captured: Captured, logged: list[Entry], start: datetime
) -> tuple[list[Entry], list[SimulatedMessage]]:
    """(entries, messages) for what the simulation wrote for the account above `marks`,
    with the entries the runner `logged` as it went (deliveries, happenings)."""
    entries: list[Entry] = list(logged)
    events = TriggerEvent.objects.filter(account_id=account_id, pk__gt=marks.event)
    for event in events.order_by("created_at", "pk"):
        trigger = BY_KEY.get(event.kind)
        entries.append(
            Entry(
                event.created_at,
                "trigger",
                trigger.name if trigger else event.kind,
                _data_text(event.data),
            )
        )
    runs = Run.objects.filter(account_id=account_id).select_related("workflow")
    for run in runs.filter(pk__gt=marks.run).order_by("created_at", "pk"):
        skipped = run.status == RunStatus.SKIPPED
        entries.append(
            Entry(
                run.created_at,
                "skipped" if skipped else "run",
                f"{run.workflow.name}: {'skipped' if skipped else 'started'}",
                "Its conditions did not all hold." if skipped else "",
                run.workflow.name,
                tuple(run.decisions or ()),
            )
        )
    for run in runs.filter(status=RunStatus.GOAL_REACHED, finished_at__gte=start):
        entries.append(
            Entry(
                run.finished_at,
                "goal",
                f"{run.workflow.name}: goal reached",
                f"Ended by {run.woken_by}.",
                run.workflow.name,
            )
        )
    results = StepResult.objects.filter(run__account_id=account_id, pk__gt=marks.step)
    for result in results.select_related("run__workflow").order_by("finished_at", "pk"):
        entries.append(_step_entry(result))
    for run in runs.filter(status=RunStatus.WAITING).exclude(waiting_for=""):
        entries.append(
            Entry(
                run.waiting_since or run.due_at,
                "wait",
                f"{run.workflow.name}: waiting",
                f"Waits for {run.waiting_for} until {run.due_at:%Y-%m-%d %H:%M %Z}.",
                run.workflow.name,
            )
        )
    messages = _messages(account_id, marks, captured)
    for message in messages:
        entries.append(
            Entry(
                message.queued_at,
                "message",
                _message_title(message),
                message.held_reason,
                message.workflow,
                message=message,
            )
        )
    entries.sort(key=lambda entry: (entry.at, ORDER.get(entry.kind, 5)))
    return entries, messages


def _step_entry(result: StepResult) -> Entry:
    workflow = result.run.workflow.name
    where = paths.label(paths.parse(result.position)) if result.position else "?"
    kind = {"decision": "decision", "wait": "wait", "wait_for": "wait"}.get(result.action, "step")
    text = result.detail or result.error or result.get_outcome_display()
    if result.error:
        text = f"Failed: {result.error}"
    conditions: list[dict] = []
    for reason in result.decisions or []:
        conditions += reason.get("conditions", [])
    return Entry(
        result.finished_at,
        kind,
        f"{workflow}: step {where} ({result.action})",
        text,
        workflow,
        tuple(conditions),
    )


def _messages(account_id: int, marks: Marks, captured: Captured) -> list[SimulatedMessage]:
    went = {c.message_id: c for c in captured.messages}
    rows = (
        Message.objects.filter(account_id=account_id, pk__gt=marks.message)
        .select_related("template")
        .order_by("created_at", "pk")
    )
    runs = dict(
        Run.objects.filter(pk__in={m.cause_run_id for m in rows if m.cause_run_id}).values_list(
            "pk", "workflow__name"
        )
    )
    result = []
    for row in rows:
        captured_one = went.get(row.pk)
        result.append(
            SimulatedMessage(
                channel=row.get_channel_display(),
                recipient=row.recipient,
                # Webhooks and team Slack posts name no user, and no customer reads them.
                to_customer=row.user_id is None and row.channel not in ("webhook", "slack"),
                subject=row.subject,
                body_text=row.body_text,
                body_html=row.body_html,
                template=row.template.name if row.template else "",
                workflow=runs.get(row.cause_run_id, ""),
                queued_at=row.created_at,
                status=row.status,
                sent_at=captured_one.sent_at if captured_one else row.sent_at,
                held_reason=row.held_reason or row.last_error,
            )
        )
    return result


def _message_title(message: SimulatedMessage) -> str:
    who = "customer" if message.to_customer else "staff"
    what = message.subject or message.body_text[:60]
    return f"{message.channel} to {who} {message.recipient}: {what}"


def _data_text(data: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted((data or {}).items()))[:300]
