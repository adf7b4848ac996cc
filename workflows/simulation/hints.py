"""When something may next happen for one account: the simulator's wake-up hints.

A worker ticks every few minutes; a simulation of one account would spend nearly
all of those ticks finding nothing. So between the daily sweeps it jumps to the
next moment the account's own rows say something may be due: a run's `due_at`,
a held message's next attempt, and the moments the frequent sweeps would find
something (an inactive spell's end, an appointment's reminders, a task's
deadlines), each on its sweep's cadence counted from the start. The hints only
choose when to look; what is due is still the sweeps' and the engine's call, and
a moment missed is caught by the next daily tick.
"""

from datetime import datetime, timedelta

from django.db.models import Min
from django.db.models.functions import Coalesce

from accounts.models import Account
from activity.models import Appointment, AppointmentStatus, Task, TaskStatus
from notifications.models import Message, MessageStatus

from .. import sweeps
from ..engine import OPEN
from ..models import Run

FREQUENT = timedelta(minutes=5)  # the reminder and task-deadline sweeps' cadence
HOURLY = timedelta(hours=1)  # the inactivity sweep's


class Plan:
    """The account's next moments, and which of them are for the frequent sweeps."""

    def __init__(self, account_id: int, start: datetime) -> None:
        self.account_id = account_id
        self.start = start
        self.sweep_moments: set[datetime] = set()
        rules = sweeps.sweep_rules()
        self.inactivity = timedelta(days=rules.inactivity_days)
        self.due_soon = timedelta(hours=rules.task_due_soon_hours)

    def next_moments(self, after: datetime, workflow_id: int | None) -> list[datetime]:
        """Every moment after `after` worth a look, the nearest of each kind."""
        runs = Run.objects.filter(account_id=self.account_id, status__in=OPEN, due_at__gt=after)
        if workflow_id is not None:
            runs = runs.filter(workflow_id=workflow_id)
        work = [
            runs.aggregate(at=Min("due_at"))["at"],
            Message.objects.filter(
                account_id=self.account_id,
                status=MessageStatus.QUEUED,
                next_attempt_at__gt=after,
            ).aggregate(at=Min("next_attempt_at"))["at"],
        ]
        swept = [self._on_grid(at, HOURLY) for at in self._inactive_from()]
        swept += [self._on_grid(at, FREQUENT) for at in self._deadlines(after)]
        swept = [at for at in swept if at > after]
        if swept:
            self.sweep_moments.add(min(swept))
        return [at for at in [*work, *swept] if at is not None and at > after]

    def _inactive_from(self) -> list[datetime]:
        since = (
            Account.objects.filter(pk=self.account_id)
            .annotate(since=Coalesce("last_login_at", "signed_up_at"))
            .values_list("since", flat=True)
            .first()
        )
        return [since + self.inactivity] if since else []

    def _deadlines(self, after: datetime) -> list[datetime]:
        """The moments an appointment's reminders or a task's notices fall due."""
        moments = []
        starts = Appointment.objects.filter(
            account_id=self.account_id, status=AppointmentStatus.BOOKED, starts_at__gt=after
        ).values_list("starts_at", flat=True)
        for starts_at in starts:
            moments += [starts_at - reminder.lead for reminder in sweeps.REMINDERS]
        due = Task.objects.filter(
            account_id=self.account_id, status=TaskStatus.OPEN, due_at__gt=after - self.due_soon
        ).values_list("due_at", flat=True)
        for due_at in due:
            if due_at is not None:
                moments += [due_at - self.due_soon, due_at]
        return moments

    def _on_grid(self, at: datetime, cadence: timedelta) -> datetime:
        """The first tick of a sweep with `cadence` (counted from the start) after `at`."""
        if at < self.start:
            return self.start
        steps = (at - self.start) // cadence + 1
        return self.start + steps * cadence
