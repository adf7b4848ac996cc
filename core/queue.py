"""Handing work to the django-q2 workers.

The database is the queue of record (see ../shared/DJANGO-Q2.md): a task only
wakes a worker to look at rows that are already committed, so it is enqueued
after commit and takes ids, never objects. A lost task delays work until a
reconciler schedule finds the rows; it never loses it.
"""

from typing import Any

from django.db import transaction
from django_q.tasks import async_task


def enqueue_on_commit(func: str, *args: Any, group: str = "") -> None:
    """Run `func(*args)` in a worker once the current transaction commits."""
    options = {"group": group} if group else {}
    transaction.on_commit(lambda: async_task(func, *args, **options))
