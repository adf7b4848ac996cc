"""No flood on day one: a sweep's first run that finds a whole history due holds it.

A new install, or one loaded with an existing book, has months of facts that a sweep
finds due all at once (every account that has not used every feature …): sending them
would bury customers and staff in thousands of messages about the past. So a sweep's
first run (`run_sweep`) that records more than `SWEEP_BACKLOG_THRESHOLD` due facts
records them as usual, marks them matched so the engine leaves them alone, and lists
them as HeldEvent rows of a SweepBacklog until a manager chooses on the workflows page:

- only from now on: they stay recorded and handled, nothing is sent for them;
- ramp: `per_hour` of them are handed back to the engine each hour (`release_due`);
- all now: every one is handed back at once.

Handing back is clearing the event's `processed_at`: the engine then matches it like
any new event. A sweep run again finds the facts already recorded, so nothing changes.
`sweep_as_handled` records what is due as already handled, for demo data.

A book imported into a live system (CSV import) is history too: while an import is in
progress the scheduled sweeps wait (`register_pause`, so they do not act on half a book),
and when it ends `hold_history_of_new_accounts` runs every sweep and holds what it finds
for the accounts the import created, above the same threshold, for the same choice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet, Value

from core import clock
from core.bulk import insert_selected
from core.causes import CauseKind
from core.queue import wake_on_commit

from . import switching
from .matching import PENDING_TASK
from .models import BacklogChoice, HeldEvent, SweepBacklog, SweepStatus, TriggerEvent, Workflow
from .sweeps import SWEEPS, Sweep

RELEASE_TASK = "workflows.tasks.release_backlogs"
RELEASE_CHUNK = 1000
MAX_PER_HOUR = 1_000_000

# Callables that say why the scheduled sweeps should wait ("" when they need not).
_pauses: list[Callable[[], str]] = []


def register_pause(reason: Callable[[], str]) -> None:
    """Let another app hold the scheduled sweeps while it loads history (imports.apps)."""
    if reason not in _pauses:
        _pauses.append(reason)


def sweeps_paused() -> str:
    """Why the scheduled sweeps wait now, or ""."""
    return next((why for why in (reason() for reason in _pauses) if why), "")


def run_sweep(sweep: Sweep) -> int:
    """Run `sweep` as its schedule does; hold its first run's findings above the threshold.

    Later runs run exactly as before. The first is one transaction, so its findings are
    held before anyone can see them. While a pause says so (an import loading a book),
    the sweep does not run: it finds everything due on its next run. Returns how many
    due facts were recorded.
    """
    if sweeps_paused():
        return 0
    return _run_guarding_the_first(sweep)


def _run_guarding_the_first(sweep: Sweep) -> int:
    if SweepStatus.objects.filter(sweep=sweep.run.__name__).exists():
        if sweep.per_workflow:
            return _run_guarding_new_workflows(sweep)
        return sweep.run()
    with transaction.atomic():
        started = clock.now()
        _, first = SweepStatus.objects.get_or_create(
            sweep=sweep.run.__name__, defaults={"first_run_at": started}
        )
        found = sweep.run()
        if first and found > settings.SWEEP_BACKLOG_THRESHOLD:
            hold(sweep.run.__name__, _recorded_since(sweep, started), found_at=started)
    return found


def _run_guarding_new_workflows(sweep: Sweep) -> int:
    """A sweep whose events are per workflow (the date sweep): a workflow's first run is
    guarded as a sweep's first is, so publishing a date-triggered playbook over a large
    book (every late joiner at once) holds its findings for the same choice."""
    with transaction.atomic():
        started = clock.now()
        found = sweep.run()
        for pk, name in Workflow.objects.filter(
            current_version__trigger__in=sweep.kinds
        ).values_list("pk", "name"):
            _, first = SweepStatus.objects.get_or_create(
                sweep=f"{sweep.run.__name__}:{pk}", defaults={"first_run_at": started}
            )
            if not first:
                continue
            recorded = _recorded_since(sweep, started).filter(event_key__startswith=f"date:{pk}:")
            if recorded.count() > settings.SWEEP_BACKLOG_THRESHOLD:
                occasion = f"“{name}” was published"
                hold(f"{sweep.run.__name__}:{pk}", recorded, found_at=started, occasion=occasion)
    return found


def _recorded_since(sweep: Sweep, started: datetime) -> QuerySet[TriggerEvent]:
    """The events this run of `sweep` recorded and the engine has not matched yet."""
    return TriggerEvent.objects.filter(
        kind__in=sweep.kinds,
        created_at__gte=started,
        processed_at=None,
        cause_kind=CauseKind.SYSTEM,
    )


def hold_history_of_new_accounts(*, created_since: datetime, occasion: str) -> list[SweepBacklog]:
    """After a book was imported: run every sweep now and hold, per sweep, what it found
    for the accounts created since `created_since` when that is more than the threshold.

    Below the threshold the facts stay due and the engine acts on them as on any others.
    A sweep that never ran takes its first-run guard instead, which covers every account.
    Returns the backlogs held.
    """
    held = []
    for sweep in SWEEPS:
        if not SweepStatus.objects.filter(sweep=sweep.run.__name__).exists():
            _run_guarding_the_first(sweep)
            continue
        with transaction.atomic():
            started = clock.now()
            sweep.run()
            recorded = _recorded_since(sweep, started).filter(
                account__created_at__gte=created_since
            )
            if recorded.count() > settings.SWEEP_BACKLOG_THRESHOLD:
                held.append(hold(sweep.run.__name__, recorded, found_at=started, occasion=occasion))
    return held


def hold(
    name: str, events: QuerySet[TriggerEvent], *, found_at: datetime, occasion: str = ""
) -> SweepBacklog:
    """Hold `events` for a manager's choice: listed on a backlog named `name` (a sweep's
    function, or an enrollment), marked matched (set-based, however many there are)."""
    backlog = SweepBacklog.objects.create(sweep=name, occasion=occasion, found_at=found_at, held=0)
    held = insert_selected(HeldEvent, events, {"event": F("pk"), "backlog": Value(backlog.pk)})
    events.update(processed_at=clock.now())
    SweepBacklog.objects.filter(pk=backlog.pk).update(held=held)
    backlog.held = held
    return backlog


def sweep_as_handled(accounts: QuerySet | None = None) -> dict[str, int]:
    """Run every sweep and record what it finds as already handled: nothing is sent.

    For demo data (demo.portfolio), whose history a live system would have swept as it
    happened. With `accounts`, only their facts are marked handled; facts of other
    accounts stay due as they were. Returns how many facts each sweep recorded.
    """
    found = {}
    with transaction.atomic():
        for sweep in SWEEPS:
            started = clock.now()
            SweepStatus.objects.get_or_create(
                sweep=sweep.run.__name__, defaults={"first_run_at": started}
            )
            found[sweep.run.__name__] = sweep.run()
            recorded = _recorded_since(sweep, started)
            if accounts is not None:
                recorded = recorded.filter(account__in=accounts)
            recorded.update(processed_at=clock.now())
    return found


def choose(
    *, backlog: SweepBacklog, choice: str, user: AbstractBaseUser, per_hour: int | None = None
) -> bool:
    """A manager's choice for a held backlog, recorded with who and when; made once.

    Returns False if the backlog was already decided. The release itself is the
    release task's (woken after commit), so a large "all now" never holds up the page.
    """
    if choice not in BacklogChoice.values:
        raise ValidationError(f"Unknown choice {choice!r}.", code="invalid_choice")
    if choice == BacklogChoice.RAMP and not (per_hour and 1 <= per_hour <= MAX_PER_HOUR):
        raise ValidationError(
            f"Give how many an hour, from 1 to {MAX_PER_HOUR:,}.", code="invalid_rate"
        )
    now = clock.now()
    with transaction.atomic():
        decided = SweepBacklog.objects.filter(pk=backlog.pk, choice="").update(
            choice=choice,
            per_hour=per_hour if choice == BacklogChoice.RAMP else None,
            chosen_by=user,
            chosen_at=now,
        )
        if not decided:
            return False
        if choice == BacklogChoice.FROM_NOW:
            HeldEvent.objects.filter(backlog=backlog).delete()
            SweepBacklog.objects.filter(pk=backlog.pk).update(finished_at=now)
        else:
            wake_on_commit(RELEASE_TASK)
    return True


def release_due() -> int:
    """Hand back to the engine what each decided backlog may release by now; how many.

    "All now": everything. Ramp: `per_hour` for every hour since the choice, less what
    was released before, so however often this runs (a schedule, every five minutes,
    and after each choice) the rate holds.
    """
    released = 0
    now = clock.now()
    for backlog in SweepBacklog.objects.filter(finished_at=None).exclude(choice=""):
        allowed = backlog.held
        if backlog.choice == BacklogChoice.RAMP:
            hours = (now - backlog.chosen_at).total_seconds() / 3600
            allowed = min(backlog.held, int(backlog.per_hour * hours))
        release = switching.catch_up if backlog.workflow_id else _release
        released += release(backlog, allowed - backlog.released)
    return released


def _release(backlog: SweepBacklog, count: int) -> int:
    """Hand `count` of the backlog's events back to the engine, oldest first, in chunks."""
    released = 0
    while released < count:
        with transaction.atomic():
            ids = list(
                HeldEvent.objects.filter(backlog=backlog)
                .select_for_update(skip_locked=True)  # two releasers take different rows
                .order_by("event_id")
                .values_list("event_id", flat=True)[: min(RELEASE_CHUNK, count - released)]
            )
            if not ids:
                break
            deleted, _ = HeldEvent.objects.filter(pk__in=ids).delete()
            TriggerEvent.objects.filter(pk__in=ids).update(processed_at=None)
            SweepBacklog.objects.filter(pk=backlog.pk).update(released=F("released") + deleted)
            wake_on_commit(PENDING_TASK)
        released += deleted
    if not HeldEvent.objects.filter(backlog=backlog).exists():
        SweepBacklog.objects.filter(pk=backlog.pk, finished_at=None).update(finished_at=clock.now())
    return released
