"""Running a simulation: one transaction, always rolled back, ticked on a virtual clock.

Each tick (an hour by default) is what the workers would have done by then: the
happenings due (a test's or a replay's facts, each at its own time), the sweeps
on their cadence (the every-few-minutes and hourly ones each tick, the daily ones
once a day), then `settle`: what a commit would announce is announced, and the
account's events are matched, its due runs executed and its due messages
delivered (caps and quiet hours applied), round after round until nothing is left
that is due. Only this account's rows are touched; other accounts' due work is
not done.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Account
from core import clock
from core.queue import is_wake_up, no_tasks_leave
from notifications.delivery import deliver_batch
from notifications.models import Message, MessageStatus
from notifications.transports.capture import captured

from .. import sweeps
from ..engine import OPEN, execute_run
from ..matching import match_trigger_event
from ..models import Run, TriggerEvent, Workflow
from . import hints, replay
from .catalogue import describe, run_only
from .trace import Entry, Marks, Simulation, collect, zone_of

logger = logging.getLogger(__name__)

DAY = timedelta(days=1)
MAX_DAYS = 90
# Rounds of events → runs → messages within one tick (the engine's MAX_DEPTH ends loops).
MAX_ROUNDS = 25


@dataclass(frozen=True)
class Happening:
    """Something that happens `after` the start of a simulation: `do()` calls a service."""

    after: timedelta
    what: str
    do: Callable[[], object]


def simulate(
    account: Account,
    *,
    days: int = 30,
    workflow: Workflow | None = None,
    draft: dict | None = None,
    replay_days: int | None = None,
    happenings: Iterable[Happening] = (),
) -> Simulation:
    """Simulate the active catalogue (or only `workflow`, on `draft` if given) for `account`
    over the next `days` from now, or over its last `replay_days` replayed; nothing is kept.

    Raises ValidationError for a period out of range (1 to MAX_DAYS days).
    """
    period = replay_days if replay_days is not None else days
    if not isinstance(period, int) or not 1 <= period <= MAX_DAYS:
        raise ValidationError(f"Simulate 1 to {MAX_DAYS} days.", code="bad_period")
    began = time.perf_counter()
    start = clock.now() - (timedelta(days=replay_days) if replay_days else timedelta(0))
    result = Simulation(
        account_id=account.pk,
        account_name=account.name,
        what=describe(workflow, draft=draft is not None),
        mode="replay" if replay_days else "forward",
        start=start,
        end=start + timedelta(days=period),
        zone=zone_of(account),
    )
    with no_tasks_leave() as held_tasks, captured() as mail, transaction.atomic():
        try:
            marks = Marks.now()
            with clock.virtual(start) as virtual, sweeps.only_for([account.pk]):
                if workflow is not None:
                    run_only(workflow, draft=draft)
                script = sorted(happenings, key=lambda happening: happening.after)
                if replay_days:
                    facts, notes = replay.rewind(account, since=start)
                    script = sorted([*script, *facts], key=lambda happening: happening.after)
                    result.notes += notes
                world = _World(account.pk, workflow.pk if workflow else None)
                world.run(virtual, start, result.end, script)
                result.entries, result.messages = collect(
                    account.pk, marks, mail, world.logged, start
                )
        finally:
            transaction.set_rollback(True)
    result.held_tasks = list(held_tasks)
    result.seconds = time.perf_counter() - began
    return result


class _World:
    """The workers, in-process, for one account (and one workflow's runs, if given)."""

    def __init__(self, account_id: int, workflow_id: int | None) -> None:
        self.account_id = account_id
        self.workflow_id = workflow_id
        self.logged: list[Entry] = []
        self.connection = transaction.get_connection()
        self.mark = len(self.connection.run_on_commit)

    def run(self, virtual, start: datetime, end: datetime, script: list[Happening]) -> None:
        """From `start` to `end`: the daily sweeps once a day, the others whenever the
        account's data says one may find something (hints), due work in between."""
        script = list(script)
        daily_due = start
        moment = start
        self.plan = hints.Plan(self.account_id, start)
        while moment <= end:
            while script and start + script[0].after <= moment:
                happening = script.pop(0)
                virtual.move_to(start + happening.after)
                self.logged.append(Entry(clock.now(), "happening", happening.what))
                happening.do()
                self.settle()
            virtual.move_to(moment)
            daily = moment >= daily_due
            if daily or moment in self.plan.sweep_moments:
                for sweep in sweeps.SWEEPS:
                    if daily or sweep.minutes < 24 * 60:
                        sweep.run()
            if daily:
                daily_due += DAY
            self.settle()
            upcoming = [daily_due, *self.plan.next_moments(moment, self.workflow_id)]
            if script:
                upcoming.append(start + script[0].after)
            moment = min(upcoming)

    def settle(self) -> None:
        """Do what is due now for the account until nothing is left (or MAX_ROUNDS)."""
        for _ in range(MAX_ROUNDS):
            self.announce()
            busy = self.match() | self.execute() | self.deliver()
            if not busy and len(self.connection.run_on_commit) == self.mark:
                return
        logger.warning(
            "Simulation of account %s: still busy after %s rounds.", self.account_id, MAX_ROUNDS
        )

    def announce(self) -> None:
        """Run what a commit would run now (domain signals to their receivers), in order,
        but not the wake-ups: this loop is the workers. Reads Django's list of on-commit
        callbacks, as its test case's captureOnCommitCallbacks does; the callbacks would
        be dropped at the rollback anyway."""
        callbacks = self.connection.run_on_commit
        while len(callbacks) > self.mark:
            pending = callbacks[self.mark :]
            del callbacks[self.mark :]
            for _, callback, robust in pending:
                if is_wake_up(callback):
                    continue
                if not robust:
                    callback()
                    continue
                try:
                    callback()
                except Exception:  # as Django's robust on-commit callbacks: logged
                    logger.exception("An after-commit callback failed in a simulation")

    def match(self) -> bool:
        events = TriggerEvent.objects.filter(account_id=self.account_id, processed_at=None)
        pks = list(events.order_by("created_at", "pk").values_list("pk", flat=True))
        for pk in pks:
            match_trigger_event(pk)
        return bool(pks)

    def execute(self) -> bool:
        runs = Run.objects.filter(
            account_id=self.account_id, status__in=OPEN, due_at__lte=clock.now()
        )
        if self.workflow_id is not None:
            runs = runs.filter(workflow_id=self.workflow_id)
        pks = list(runs.order_by("due_at", "pk").values_list("pk", flat=True))
        for pk in pks:
            execute_run(pk)
        return bool(pks)

    def deliver(self) -> bool:
        due = Message.objects.filter(
            account_id=self.account_id,
            status=MessageStatus.QUEUED,
            next_attempt_at__lte=clock.now(),
        )
        pks = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True))
        if not pks:
            return False
        deliver_batch([(pk, None) for pk in pks])
        now = clock.now()
        for message in Message.objects.filter(pk__in=pks).order_by("pk"):
            self.logged.append(_delivery_entry(message, now))
        return True


def _delivery_entry(message: Message, now: datetime) -> Entry:
    who = "staff" if message.user_id else "customer"
    what = f"{message.get_channel_display()} to {who} {message.recipient}"
    if message.status == MessageStatus.SENT:
        return Entry(now, "sent", f"Sent: {what}", message.subject)
    if message.status == MessageStatus.QUEUED:
        return Entry(now, "held", f"Held: {what}", message.held_reason or message.last_error)
    return Entry(
        now,
        "held",
        f"{message.get_status_display()}: {what}",
        message.held_reason or message.last_error,
    )
