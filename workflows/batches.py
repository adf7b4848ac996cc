"""A drain's batch of claimed runs, executed as a set: one transaction per step of the batch.

A drain claims up to 100 runs at a time (core.claim_loop). Run by run, every
step is a transaction of its own and a dozen statements, most of them the
same for every run. Here the batch moves step by step instead: the runs at
the same step of the same version (and claim) form a group, and the group's
step is taken in one transaction:

1. `SELECT … FOR UPDATE` of the group's runs still claimed by this batch and
   still at this step: the claim guard of a single run's conditional UPDATE,
   for all of them (on SQLite the transaction is IMMEDIATE: no other writer
   is in while it lasts);
2. the action's effects for all of them: as a set where the action has one
   (`ActionKind.run_many`: a tag on 100 accounts in a constant number of
   statements), else run by run, each in a savepoint, so one run's failure
   rolls back only its own effects;
3. one UPDATE moving them on (one per path taken, for a decision) and one
   INSERT of their step results (step_result_once still guards each step).

The effects, the advance and the results commit together, as for one run, so
exactly-once holds as before: a second claimant waits on the row locks, then
finds the runs moved on. A run whose step failed is recorded afterwards as a
single run's failure is (retried with back-off, the advance never made). A run
at a step the batch does not take as a set (a wait, a wait-for, a stored step
the engine refuses) goes on alone (engine.continue_run), and so does every run
of a group whose set-based attempt broke (a deadlock, a bug): it is rolled back
first, and the guards make sure nothing is done twice.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import Account, AccountTag
from core import clock
from core.worker import time_to_leave

from . import decisions, engine, paths
from .actions import ACTIONS, DECISION, WAIT, WAIT_FOR, ActionKind, StepContext
from .conditions import Memberships
from .models import Run, RunStatus, StepOutcome, StepResult

logger = logging.getLogger(__name__)

# Runs of a step with no set-based action sharing one transaction: few enough that
# it stays short (on SQLite a transaction keeps every other writer waiting).
ONE_BY_ONE_CHUNK = 20

Claim = tuple[int, datetime]
# What a group's step did to each run: a status (the run left the batch: finished,
# failed, parked, taken over) or the position it is at now (it goes on with the batch).
Moved = dict[int, "str | paths.Path"]


def execute_batch(claims: Sequence[Claim], started: datetime, budget: timedelta) -> list[str]:
    """Execute claimed runs as a set, step by step; each one's status after, in order,
    for the leading runs finished before `budget` since `started` was spent or the
    worker was asked to stop (the drain gives the others back, due again at once)."""
    claims = list(claims)
    runs = _load(claims)
    statuses: dict[int, str] = {}
    live: dict[int, tuple[Run, paths.Path]] = {}
    for pk, _ in claims:
        if pk in runs:
            live[pk] = (runs[pk], engine.position_of(runs[pk]))
        else:  # released as stuck and taken by another worker meanwhile
            statuses[pk] = engine.run_status(pk)
    while live and not time_to_leave(started, budget):
        for path, group in _groups(live.values()):
            if time_to_leave(started, budget):
                break
            for pk, moved in _take_step(path, group).items():
                if isinstance(moved, tuple):
                    live[pk] = (live[pk][0], moved)
                else:
                    statuses[pk] = moved
                    del live[pk]
    outcomes = []
    for pk, _ in claims:
        if pk not in statuses:
            break
        outcomes.append(statuses[pk])
    return outcomes


def _load(claims: list[Claim]) -> dict[int, Run]:
    """The claimed runs still this batch's, with what executing them reads: one query."""
    held = Q()
    for claimed_at in {claimed_at for _, claimed_at in claims}:
        pks = [pk for pk, at in claims if at == claimed_at]
        held |= Q(pk__in=pks, claimed_at=claimed_at)
    rows = (
        Run.objects.select_related("workflow", "version", "event", "account")
        .only(*engine.EXECUTION_FIELDS)
        .filter(held, status=RunStatus.RUNNING)
    )
    return {run.pk: run for run in rows}


def _groups(live) -> list[tuple[paths.Path, list[Run]]]:
    """The live runs by (version, position, claim), in the order of their first run."""
    groups: dict[tuple, list[Run]] = {}
    for run, path in live:
        groups.setdefault((run.version_id, path, run.claimed_at), []).append(run)
    return [(key[1], runs) for key, runs in groups.items()]


def _take_step(path: paths.Path, runs: list[Run]) -> Moved:
    """The step at `path` for every run of a group (one version, one claim)."""
    steps = runs[0].version.steps
    spec = _spec(steps, path)
    if spec is not None and spec["action"] == DECISION:
        return _or_one_by_one(_decide_group, runs, steps, path, spec)
    if spec is not None and spec["action"] not in (WAIT, WAIT_FOR):
        return _step_group(ACTIONS[spec["action"]], runs, steps, path, spec)
    return {run.pk: engine.continue_run(run, path) for run in runs}


def _or_one_by_one(take, runs: list[Run], *args) -> Moved:
    """`take(runs, *args)`, a set-based step in one transaction; if it breaks, it was rolled
    back (the runs are where they were, still claimed) and each run goes on alone."""
    try:
        return take(runs, *args)
    except Exception:
        path = args[1]
        logger.exception("A batch of %s runs broke at step %s; one by one.", len(runs), path)
        return {run.pk: engine.continue_run(run, path) for run in runs}


def _spec(steps: list, path: paths.Path) -> dict | None:
    """The step at `path` if the batch can take it as a set: a valid action or decision."""
    try:
        spec = paths.step_at(steps, path)
        engine._check_step(spec)
    except (IndexError, TypeError, AttributeError, ValidationError):
        return None  # past the end, or refused: continue_run finishes or fails the run
    return spec


def _claimed(runs: list[Run], path: paths.Path) -> set[int]:
    """Lock the group's runs still claimed by this batch and at `path`; their ids."""
    return set(
        Run.objects.select_for_update()
        .filter(
            pk__in=[run.pk for run in runs],
            status=RunStatus.RUNNING,
            claimed_at=runs[0].claimed_at,
            **engine.at(path),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _advance(runs: list[Run], path: paths.Path, target: paths.Path | None, steps: list) -> None:
    """Move the (locked, claimed) runs from `path` to `target`: one UPDATE."""
    moved = Run.objects.filter(
        pk__in=[run.pk for run in runs],
        status=RunStatus.RUNNING,
        claimed_at=runs[0].claimed_at,
        **engine.at(path),
    ).update(attempts=0, **engine.moved_to(target, steps))
    if moved != len(runs):  # impossible under the locks: roll back, go one by one
        raise RuntimeError(f"{len(runs) - moved} of {len(runs)} runs moved while locked")


def _lost(run: Run) -> str:
    logger.warning("Run %s was taken over by another worker; stopping here.", run.pk)
    return engine.run_status(run.pk)


# --- an action's step ----------------------------------------------------------


def _step_group(
    kind: ActionKind, runs: list[Run], steps: list, path: paths.Path, spec: dict
) -> Moved:
    """An action's step for a group: as a set if the action has one, else in chunks."""
    # Accounts are locked in id order by the actions' services: no deadlock between batches.
    runs = sorted(runs, key=lambda run: (run.account_id, run.pk))
    size = len(runs) if kind.run_many is not None else ONE_BY_ONE_CHUNK
    moved: Moved = {}
    for start in range(0, len(runs), size):
        chunk = runs[start : start + size]
        moved |= _or_one_by_one(_step_chunk, chunk, steps, path, spec, kind)
    return moved


def _step_chunk(
    runs: list[Run], steps: list, path: paths.Path, spec: dict, kind: ActionKind
) -> Moved:
    params = spec.get("params", {})
    position = paths.as_text(path)
    following = paths.after(steps, path)
    failures: dict[int, Exception] = {}
    with transaction.atomic():
        ours = _claimed(runs, path)
        contexts = [_context(run, path, position) for run in runs if run.pk in ours]
        details = _run_all(kind, contexts, params, failures)
        done = [run for run in runs if run.pk in details]
        if done:
            _advance(done, path, following, steps)
            record_done_many(done, position, kind.key, params, details)
    moved: Moved = {}
    for run in runs:
        if run.pk not in ours:
            moved[run.pk] = _lost(run)
        elif run.pk in failures:
            engine._record_failure(run, path, kind.key, params, failures[run.pk])
            moved[run.pk] = engine.run_status(run.pk)
        else:
            run.attempts = 0
            moved[run.pk] = RunStatus.SUCCEEDED if following is None else following
    return moved


def _context(run: Run, path: paths.Path, position: str) -> StepContext:
    return StepContext(
        run=run,
        account=run.account,
        event=run.event,
        position=position,
        workflow_name=run.workflow.name,
        label=paths.label(path),
    )


def _run_all(
    kind: ActionKind, contexts: list[StepContext], params: dict, failures: dict[int, Exception]
) -> dict[int, str]:
    """Each context's detail; a run whose action raised goes to `failures`, its effects
    rolled back. A set-based action that raises is tried again run by run, to tell
    which run it was."""
    if kind.run_many is not None and contexts:
        try:
            with transaction.atomic():
                details = kind.run_many(contexts, params)
            return dict(zip([ctx.run.pk for ctx in contexts], details, strict=True))
        except Exception:  # which run it was: below, one savepoint each
            pass
    done = {}
    for ctx in contexts:
        try:
            with transaction.atomic():
                done[ctx.run.pk] = kind.run(ctx, params)
        except Exception as error:  # recorded on the run; the worker itself must not die
            failures[ctx.run.pk] = error
    return done


def record_done_many(
    runs: list[Run],
    position: str,
    action: str,
    params: dict,
    details: dict[int, str],
    decisions: dict[int, list] | None = None,
) -> None:
    """engine.record_done for many runs at one position: one INSERT."""
    now = clock.now()
    StepResult.objects.bulk_create(
        [
            StepResult(
                run=run,
                position=position,
                action=action,
                params=params,
                outcome=StepOutcome.DONE,
                detail=details[run.pk],
                error="",
                attempts=run.attempts + 1,
                finished_at=now,
                decisions=(decisions or {}).get(run.pk) or [],
            )
            for run in runs
        ],
        **engine.STEP_RESULT_UPSERT,
    )


# --- a decision ------------------------------------------------------------------


def _decide_group(runs: list[Run], steps: list, path: paths.Path, spec: dict) -> Moved:
    """A decision for a group: the accounts' tested fields and tags read once for all,
    each run's path chosen, then one UPDATE per path taken and one INSERT of results."""
    params = spec["params"]
    options = params["paths"]
    ids = sorted({run.account_id for run in runs})
    names = decisions.fields_tested(options)
    accounts = Account.objects.only("pk", *names).in_bulk(ids) if names else {}
    tags: dict[int, set[str]] = {}
    if decisions.tags_tested(options):
        for account_id, name in AccountTag.objects.filter(account_id__in=ids).values_list(
            "account_id", "tag__name"
        ):
            tags.setdefault(account_id, set()).add(name.casefold())
    memberships = Memberships(ids)  # read only if a path tests a segment
    moved: Moved = {}
    chosen: dict[int, tuple[Any, list, str]] = {}
    for run in runs:
        if names and run.account_id not in accounts:  # deleted meanwhile: as a run alone
            moved[run.pk] = engine.continue_run(run, path)
            continue
        account = accounts[run.account_id] if names else run.account
        index, reasons, detail = decisions.choose(
            params,
            account=account,
            data=run.event.data,
            tags=tags.get(run.account_id, set()),
            memberships=memberships,
        )
        chosen[run.pk] = (paths.enter(steps, path, index), reasons, detail)
    deciding = [run for run in runs if run.pk in chosen]
    if not deciding:
        return moved
    with transaction.atomic():
        ours = _claimed(deciding, path)
        mine = [run for run in deciding if run.pk in ours]
        by_target: dict[Any, list[Run]] = {}
        for run in mine:
            by_target.setdefault(chosen[run.pk][0], []).append(run)
        for target, group in by_target.items():
            _advance(group, path, target, steps)
        if mine:
            record_done_many(
                mine,
                paths.as_text(path),
                DECISION,
                params,
                {run.pk: chosen[run.pk][2] for run in mine},
                {run.pk: chosen[run.pk][1] for run in mine},
            )
    for run in deciding:
        if run.pk not in ours:
            moved[run.pk] = _lost(run)
            continue
        run.attempts = 0
        target = chosen[run.pk][0]
        moved[run.pk] = RunStatus.SUCCEEDED if target is None else target
    return moved
