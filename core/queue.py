"""Handing work to the django-q2 workers.

The database is the queue of record (see ../shared/DJANGO-Q2.md): a task only
wakes a worker to look at rows that are already committed, so it is enqueued
after commit and takes ids, never objects. A lost task delays work until a
reconciler schedule finds the rows; it never loses it.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django_q.tasks import async_task


def enqueue_on_commit(func: str, *args: Any) -> None:
    """Run `func(*args)` in a worker once the current transaction commits."""
    transaction.on_commit(lambda: async_task(func, *args))


_batch = threading.local()


@contextmanager
def one_wake_up_per_task() -> Iterator[None]:
    """Within this block (inside a transaction), `enqueue_once_on_commit(f)` wakes one
    worker for `f` however often it is asked: a batch of 500 events wakes one, not 500."""
    if getattr(_batch, "funcs", None) is not None:  # already batching
        yield
        return
    _batch.funcs = set()
    try:
        yield
    finally:
        funcs, _batch.funcs = _batch.funcs, None
        for func in sorted(funcs):
            enqueue_on_commit(func)


def enqueue_once_on_commit(func: str) -> None:
    """Wake a worker to run `func()` after commit (once per batch, see above).

    For "process whatever is pending" tasks, which are safe to run any number
    of times.
    """
    funcs = getattr(_batch, "funcs", None)
    if funcs is not None:
        funcs.add(func)
    else:
        enqueue_on_commit(func)
