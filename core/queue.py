"""Handing work to the django-q2 workers.

The database is the queue of record (see ../shared/DJANGO-Q2.md): a task only
wakes a worker to look at rows that are already committed, so it is enqueued
after commit and takes ids, never objects. A lost task delays work until a
reconciler schedule finds the rows; it never loses it.

The engine and the outbox are woken, not fed: `wake_on_commit(task)` enqueues
a "drain what is due" task at most once per commit, however many rows the
transaction wrote, and a drain holds the wake-ups its own work asks for
(`one_wake_up_per_task`) and sends each once per batch at most.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django_q.tasks import async_task

# Inside `no_tasks_leave()` (a dry run), what would be enqueued is counted, not sent.
_held_back: ContextVar[list[str] | None] = ContextVar("held_back_tasks", default=None)


@contextmanager
def no_tasks_leave() -> Iterator[list[str]]:
    """Within this block (this thread only), enqueueing a task records its name in the
    list yielded and sends nothing: the simulator's guarantee that no task is queued."""
    held: list[str] = []
    token = _held_back.set(held)
    try:
        yield held
    finally:
        _held_back.reset(token)


def _enqueue(func: str, *args: Any) -> None:
    held = _held_back.get()
    if held is not None:
        held.append(func)
        return
    async_task(func, *args)


def enqueue_on_commit(func: str, *args: Any) -> None:
    """Run `func(*args)` in a worker once the current transaction commits."""
    transaction.on_commit(lambda: _enqueue(func, *args))


class _WakeUp:
    """An on-commit callback that enqueues `task()`; tagged so a commit holds one per task."""

    def __init__(self, task: str) -> None:
        self.task = task
        self.fired = False

    def __call__(self) -> None:
        self.fired = True
        _enqueue(self.task)


def _wake_after_this_commit(task: str) -> None:
    """One wake-up per task and commit: a callback still to run, registered at this same
    savepoint level, already wakes it, and a rollback that drops that one drops this
    call's too. (Ones registered in a savepoint since released, or already run, are
    left alone, which keeps a test's capture of "what this block's commit runs" exact.)"""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        here = set(connection.savepoint_ids)
        if any(
            isinstance(callback, _WakeUp)
            and callback.task == task
            and not callback.fired
            and sids == here
            for sids, callback, _ in connection.run_on_commit
        ):
            return
    transaction.on_commit(_WakeUp(task))


def is_wake_up(callback: object) -> bool:
    """Whether an on-commit callback is a wake-up (the dry-run simulator drains by itself)."""
    return isinstance(callback, _WakeUp)


_batch = threading.local()


@contextmanager
def one_wake_up_per_task() -> Iterator[None]:
    """Within this block, `wake_on_commit(f)` is held and sent once when the block ends (or at
    `send_held_wake_ups`): a batch of 500 events, or a drain's batch of 100 runs, wakes one
    worker per task, not 500."""
    if getattr(_batch, "tasks", None) is not None:  # already batching
        yield
        return
    _batch.tasks = set()
    try:
        yield
    finally:
        tasks, _batch.tasks = _batch.tasks, None
        for task in sorted(tasks):
            _wake_after_this_commit(task)


def send_held_wake_ups() -> None:
    """Send the wake-ups the enclosing block holds now (a drain, after interactive work)."""
    tasks = getattr(_batch, "tasks", None)
    if not tasks:
        return
    _batch.tasks = set()
    for task in sorted(tasks):
        _wake_after_this_commit(task)


def wake_on_commit(task: str) -> None:
    """Wake a worker to run `task()` (a drain) after commit: once per commit whatever
    the number of calls, and once per `one_wake_up_per_task` block.

    For "process whatever is due" tasks, which are safe to run any number of times.
    Outside a transaction, now.
    """
    tasks = getattr(_batch, "tasks", None)
    if tasks is not None:
        tasks.add(task)
    else:
        _wake_after_this_commit(task)
