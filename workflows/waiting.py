"""The engine's side of a wait-for step: park the run, then continue on "happened" or
"timed out".

A run reaching a wait-for step whose condition already holds goes on at once.
Otherwise it is parked: `waiting`, due when the time limit passes, with
`waiting_for` naming what it listens for (workflows.listeners). Then one of
two things moves it, each by a conditional UPDATE of the waiting row, so only
one of them does:

- an event it waits for (workflows.listeners.hear) sets it `queued`, clears
  `waiting_for` and says what woke it in `woken_by`; the drain claims it and
  `resolve` takes "happened";
- nothing comes: once due, the drain (or the every-minute reconciler, the
  sweep for time-outs) claims it with `waiting_for` still set, and `resolve`
  takes "timed out" (a condition wait tests its condition a last time).

The step's result, with what happened, commits with the run's move into the path.
"""

from django.db import transaction

from accounts.models import Account
from core import clock

from . import listeners, paths
from .actions.branching import limit, listener
from .models import Run, RunStatus

# What `resolve` returns instead of a position: the run is parked, or no longer ours.
PARKED = object()
LOST = object()


def resolve(run: Run, account: Account, steps: list, path: paths.Path, spec: dict):
    """Park the run at this wait-for step, or move it on; the position it moved to
    (None: finished), PARKED or LOST."""
    from .engine import at, moved_to, record_done

    params = spec["params"]
    waits_for = listeners.kind_of(listener(params))
    if run.woken_by and not run.waiting_for:
        branch, detail = paths.HAPPENED, f"Happened: {run.woken_by}."
    elif run.waiting_for:
        met = waits_for == "condition" and _condition_holds(account, params)
        branch = paths.HAPPENED if met else paths.TIMED_OUT
        detail = (
            "Happened: the condition held at the time limit."
            if met
            else f"Timed out: nothing came by {run.due_at:%Y-%m-%d %H:%M %Z}."
        )
    elif waits_for == "condition" and _condition_holds(account, params):
        branch, detail = paths.HAPPENED, "Happened: the condition held already."
    else:
        return _park(run, path, params, waits_for)
    target = paths.enter(steps, path, branch)
    with transaction.atomic():
        cleared = {"waiting_for": "", "waiting_since": None, "woken_by": ""}
        if not Run.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at, **at(path)
        ).update(attempts=0, **cleared, **moved_to(target, steps)):
            return LOST
        outcome = "happened" if branch == paths.HAPPENED else "timed_out"
        record_done(run, paths.as_text(path), paths.WAIT_FOR, params, detail, [{"took": outcome}])
    run.waiting_for = run.woken_by = ""
    return target


def _park(run: Run, path: paths.Path, params: dict, waits_for: str):
    now = clock.now()
    parked = Run.objects.filter(
        pk=run.pk, status=RunStatus.RUNNING, claimed_at=run.claimed_at, **_at(path)
    ).update(
        status=RunStatus.WAITING,
        due_at=now + limit(params),
        claimed_at=None,
        waiting_for=waits_for,
        waiting_since=now,
        woken_by="",
    )
    return PARKED if parked else LOST


def _at(path: paths.Path) -> dict:
    return {"next_step": path[0], "next_path": paths.as_text(path[1:])}


def _condition_holds(account: Account, params: dict) -> bool:
    tags = {name.casefold() for name in account.tags.values_list("name", flat=True)}
    current = Account.objects.get(pk=account.pk)  # the run's account holds only its id
    held, _ = listeners.holds(listener(params), account=current, tags=tags, event=None)
    return held
