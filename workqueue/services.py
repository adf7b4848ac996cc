"""Every change to a signal: raise (open or add to the open one), snooze, wake, reassign, close.

A signal is "live" while open or snoozed; the partial unique constraint allows one
live signal per (account, kind, reason), so a detector run twice, or on two workers
at once, opens one. A repeat with a new occurrence key (another week, another
failed payment) adds a line to the live signal's history; the same key again
changes nothing. Each function is atomic and writes a history row with its cause.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account
from activity.models import TaskSource
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause

from .models import (
    LIVE_STATUSES,
    Signal,
    SignalAction,
    SignalEvent,
    SignalStatus,
    SignalTask,
    SignalType,
    TaskTemplate,
)


@dataclass(frozen=True)
class Found:
    """One occurrence a detector or a playbook saw: which account, which occurrence, why."""

    account_id: int
    key: str
    why: dict = field(default_factory=dict)


@dataclass
class Raised:
    """What raising changed: signals opened, live ones that got a new occurrence."""

    opened: list[Signal] = field(default_factory=list)
    repeated: list[Signal] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.opened) + len(self.repeated)


def signal_type(reason: str) -> SignalType:
    """The type named `reason`; a clear error for one that does not exist."""
    try:
        return SignalType.objects.prefetch_related("checklist__assignee").get(reason=reason)
    except SignalType.DoesNotExist:
        raise ValidationError(f"Unknown signal reason {reason!r}.", code="unknown_reason") from None


def _require_checklist_assignees(templates: list[TaskTemplate]) -> None:
    """Refuse a checklist that names someone who has left, before anything is written."""
    for template in templates:
        if template.assign_to == "named" and (
            template.assignee is None or not template.assignee.is_active
        ):
            raise ValidationError(
                f"The checklist task “{template.title}” is assigned to a user who no longer "
                "exists or is deactivated: pick someone else in the signal type.",
                code="checklist_assignee_missing",
            )


@transaction.atomic
def raise_signals(*, reason: str, found: list[Found], cause: Cause) -> Raised:
    """Open a signal of type `reason` on each account in `found`, or add to its live one.

    One batch whatever its size: a read of the live signals, one insert, one update,
    one insert of history rows. The insert skips rows the partial unique constraint
    refuses (another worker opened them first); those count as that worker's.
    """
    kind = signal_type(reason)
    if not kind.is_active or not found:
        return Raised()
    templates = list(kind.checklist.all())
    _require_checklist_assignees(templates)
    now = clock.now()
    by_account = {item.account_id: item for item in found}
    live = {
        signal.account_id: signal
        for signal in Signal.objects.filter(
            reason=reason, kind=kind.kind, status__in=LIVE_STATUSES, account_id__in=by_account
        )
    }
    batch = uuid.uuid4()
    owners = dict(
        Account.objects.filter(pk__in=by_account.keys() - live.keys()).values_list("pk", "owner")
    )
    Signal.objects.bulk_create(
        [
            Signal(
                account_id=account_id,
                signal_type=kind,
                kind=kind.kind,
                reason=reason,
                title=kind.title,
                why=by_account[account_id].why,
                owner_id=owner_id,
                priority=kind.priority,
                due_at=now + timedelta(days=kind.due_in_days),
                opened_at=now,
                last_seen_at=now,
                last_key=by_account[account_id].key,
                batch=batch,
            )
            for account_id, owner_id in owners.items()
        ],
        ignore_conflicts=True,
    )
    opened = list(Signal.objects.filter(batch=batch)) if owners else []
    repeated = [s for s in live.values() if s.last_key != by_account[s.account_id].key]
    for signal in repeated:
        signal.occurrences += 1
        signal.last_key = by_account[signal.account_id].key
        signal.why = by_account[signal.account_id].why
        signal.last_seen_at = now
    Signal.objects.bulk_update(repeated, ["occurrences", "last_key", "why", "last_seen_at"])
    SignalEvent.objects.bulk_create(
        [
            SignalEvent(
                signal=signal,
                account_id=signal.account_id,
                action=action,
                data={"key": signal.last_key, "why": signal.why},
                created_at=now,
                **cause.as_fields(),
            )
            for action, signals in (
                (SignalAction.OPENED, opened),
                (SignalAction.REPEATED, repeated),
            )
            for signal in signals
        ]
    )
    if templates:
        for signal in opened:
            _open_checklist(signal, templates, cause)
    return Raised(opened=opened, repeated=repeated)


def _open_checklist(signal: Signal, templates: list[TaskTemplate], cause: Cause) -> None:
    """The type's checklist as tasks, each once per signal (its request key and SignalTask)."""
    for template in templates:
        task, _ = create_task(
            account=signal.account,
            title=template.title,
            source=TaskSource.WORKFLOW,
            cause=cause,
            due_at=clock.now() + timedelta(days=template.due_in_days),
            assignee=template.assignee if template.assign_to == "named" else signal.owner,
            request_key=f"signal:{signal.pk}:checklist:{template.pk}",
        )
        SignalTask.objects.bulk_create(
            [SignalTask(signal=signal, template=template, task=task)], ignore_conflicts=True
        )


def _history(signal: Signal, action: str, cause: Cause, **data) -> None:
    SignalEvent.objects.create(
        signal=signal,
        account_id=signal.account_id,
        action=action,
        data=data,
        created_at=clock.now(),
        **cause.as_fields(),
    )


def _claim_live(signal: Signal, what: str, **changes) -> None:
    """Apply `changes` only if the signal is still live; refuse a closed one (no change)."""
    if not Signal.objects.filter(pk=signal.pk, status__in=LIVE_STATUSES).update(**changes):
        raise ValidationError(f"This signal is already closed: it cannot be {what}.", code="closed")
    for name, value in changes.items():
        setattr(signal, name, value)


@transaction.atomic
def snooze_signal(*, signal: Signal, until: datetime, cause: Cause) -> Signal:
    """Take a live signal out of the queue until `until` (in the future); repeats meanwhile
    only add to its history."""
    clock.require_aware(until, "The snooze end")
    if until <= clock.now():
        raise ValidationError("Snooze until a time in the future.", code="snooze_in_past")
    _claim_live(signal, "snoozed", status=SignalStatus.SNOOZED, snoozed_until=until)
    _history(signal, SignalAction.SNOOZED, cause, until=until.isoformat())
    return signal


@transaction.atomic
def wake_snoozed(*, cause: Cause) -> int:
    """Put every signal whose snooze has ended back in its owner's queue (set-based)."""
    now = clock.now()
    due = list(
        Signal.objects.filter(status=SignalStatus.SNOOZED, snoozed_until__lte=now)
        .select_for_update(skip_locked=True)
        .values_list("pk", "account_id")
    )
    woke = Signal.objects.filter(pk__in=[pk for pk, _ in due], status=SignalStatus.SNOOZED).update(
        status=SignalStatus.OPEN, snoozed_until=None
    )
    SignalEvent.objects.bulk_create(
        SignalEvent(
            signal_id=pk, account_id=account_id, action=SignalAction.WOKE, created_at=now,
            **cause.as_fields(),
        )
        for pk, account_id in due
    )  # fmt: skip
    return woke


@transaction.atomic
def reassign_signal(*, signal: Signal, owner, cause: Cause) -> bool:
    """Give a live signal to another active staff member. Returns False if already theirs."""
    if owner is None or not owner.is_active or not owner.is_staff:
        raise ValidationError("Signals go to an active member of the team.", code="bad_owner")
    if signal.owner_id == owner.pk:
        return False
    previous = signal.owner_id
    _claim_live(signal, "reassigned", owner=owner)
    _history(signal, SignalAction.REASSIGNED, cause, from_owner=previous, to_owner=owner.pk)
    return True


@transaction.atomic
def close_signal(
    *, signal: Signal, outcome: str, cause: Cause, note: str = "", dismissed: bool = False
) -> Signal:
    """Close a live signal as done (or dismissed) with one of its type's outcomes.

    A second close is refused with a message and changes nothing.
    """
    outcomes = SignalType.objects.values_list("outcomes", flat=True).get(pk=signal.signal_type_id)
    if outcome not in outcomes:
        raise ValidationError(
            f"“{outcome}” is not an outcome of this signal (one of: {', '.join(outcomes)}).",
            code="unknown_outcome",
        )
    status = SignalStatus.DISMISSED if dismissed else SignalStatus.DONE
    _claim_live(
        signal,
        "closed again",
        status=status,
        outcome=outcome,
        outcome_note=(note or "").strip(),
        closed_at=clock.now(),
        closed_by=cause.user,
        snoozed_until=None,
    )
    _history(signal, status, cause, outcome=outcome, note=signal.outcome_note)
    return signal
