"""What runs listen for: a wait-for step's event or condition, and a workflow's goal.

Both are a *listener*: `{"event": <trigger kind>, "conditions": [...]}`, either
part optional but not both. With an event, the conditions test that event's
data (`data.<key>`) and the account; without, they test the account only and
are re-tested whenever anything happens to the account.

Matching an event (workflows.matching) calls `hear` inside the transaction
that claims it: one query finds the account's runs that listen for this kind
(or for a condition), one reads their versions, one UPDATE ends those whose
goal is met and one wakes those whose wait is over. However many runs wait,
that is at most four queries per event. Each change is a conditional UPDATE
on the run's status, so an event and a time-out (or two events) racing for
the same wait resolve it once: whichever changes the row first wins.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import Account
from core.queue import wake_on_commit

from . import conditions as condition_rules
from . import paths
from .models import CONDITION, IN_FLIGHT, Run, RunStatus, TriggerEvent, WorkflowVersion
from .triggers import BY_KEY

RUNS_TASK = "workflows.tasks.drain_runs"


def kind_of(listener: dict) -> str:
    """What a run with this listener waits on: the event kind, or "condition" ("" none)."""
    if not listener:
        return ""
    return listener.get("event") or CONDITION


def validate(listener: object, *, what: str) -> None:
    """Refuse a listener that can never be tested: unknown event kind, bad or no conditions,
    or `data.<key>` the event does not carry (or with no event at all)."""
    if not isinstance(listener, dict) or not set(listener) <= {"event", "conditions"}:
        raise ValidationError(f"{what} is an object with `event` and/or `conditions`.")
    event, conditions = listener.get("event"), listener.get("conditions", [])
    if event is not None and (not isinstance(event, str) or event not in BY_KEY):
        raise ValidationError(f"{what}: there is no event kind {event!r}.")
    if not isinstance(conditions, list):
        raise ValidationError(f"{what}: `conditions` is a list.")
    if not event and not conditions:
        raise ValidationError(f"{what} can never be tested: name an event or a condition.")
    trigger = BY_KEY.get(event) if event else None
    for number, condition in enumerate(conditions, start=1):
        if (
            trigger is None
            and isinstance(condition, dict)
            and str(condition.get("subject", "")).startswith("data.")
        ):
            raise ValidationError(
                f"{what}, condition {number}: with no event there is no `data` to test; "
                "test the account, or name the event."
            )
        try:
            condition_rules.validate(condition, trigger=trigger)
        except ValidationError as error:
            raise ValidationError(
                f"{what}, condition {number}: {' '.join(error.messages)}"
            ) from None


def describe(listener: dict) -> str:
    """The listener in words, for the run log and the workflow page."""
    parts = []
    if listener.get("event"):
        trigger = BY_KEY.get(listener["event"])
        parts.append(trigger.name if trigger else listener["event"])
    for condition in listener.get("conditions", []):
        subject = condition.get("subject") or "tags"
        parts.append(f"{subject} {condition['operator']} {condition.get('value', '')}".strip())
    return " and ".join(parts)


def holds(
    listener: dict, *, account: Account, tags: set[str], event: TriggerEvent | None
) -> tuple[bool, list[dict]]:
    """Whether `event` (or, without one, the account as it is) meets the listener."""
    wanted = listener.get("event")
    if wanted and (event is None or event.kind != wanted):
        return False, []
    data = event.data if event is not None and wanted else {}
    return condition_rules.evaluate(
        listener.get("conditions", []), account=account, data=data, tags=tags
    )


@dataclass(frozen=True)
class Heard:
    goals: int
    woken: int


def hear(event: TriggerEvent, *, account: Account, tags: set[str], now: datetime) -> Heard:
    """End the runs whose goal `event` meets and wake the runs waiting for it (see above)."""
    kinds = [event.kind, CONDITION]
    listening = list(
        Run.objects.filter(account_id=event.account_id, status__in=IN_FLIGHT)
        .filter(
            Q(status=RunStatus.WAITING, waiting_for__in=kinds)
            | Q(goal_kind__in=kinds, created_at__lte=event.created_at)
        )
        .values_list(
            "pk",
            "version_id",
            "status",
            "next_step",
            "next_path",
            "waiting_for",
            "waiting_since",
            "goal_kind",
            "created_at",
        )
    )
    if not listening:
        return Heard(0, 0)
    versions = {
        pk: (steps, goal)
        for pk, steps, goal in WorkflowVersion.objects.filter(
            pk__in={row[1] for row in listening}
        ).values_list("pk", "steps", "goal")
    }
    goals, wakes = [], []
    for pk, version_id, status, top, rest, waiting_for, since, goal_kind, created in listening:
        if goal_kind in kinds and created <= event.created_at:
            met, _ = holds(versions[version_id][1], account=account, tags=tags, event=event)
            if met:
                goals.append(pk)
                continue
        if (
            status == RunStatus.WAITING
            and waiting_for in kinds
            and since
            and since <= event.created_at
        ):
            position = (top, *paths.parse(rest)) if rest else (top,)
            try:
                spec = paths.step_at(versions[version_id][0], position)
            except (IndexError, KeyError, TypeError):
                continue
            listener = {
                k: v for k, v in (spec.get("params") or {}).items() if k in {"event", "conditions"}
            }
            met, _ = holds(listener, account=account, tags=tags, event=event)
            if met:
                wakes.append(pk)
    ended = woken = 0
    if goals:
        ended = Run.objects.filter(pk__in=goals, status__in=IN_FLIGHT).update(
            status=RunStatus.GOAL_REACHED,
            finished_at=now,
            claimed_at=None,
            waiting_for="",
            woken_by=f"{event.kind} #{event.pk}",
        )
    if wakes:
        # Only while the time limit has not passed: a run past it times out (the sweep).
        woken = Run.objects.filter(pk__in=wakes, status=RunStatus.WAITING, due_at__gte=now).update(
            status=RunStatus.QUEUED,
            due_at=now,
            waiting_for="",
            woken_by=f"{event.kind} #{event.pk}",
        )
        if woken:
            wake_on_commit(RUNS_TASK)
    return Heard(ended, woken)
