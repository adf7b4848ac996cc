"""Stopping a worker on time: a flag the drain loops check between items.

`manage.py worker` (core/management/commands/worker.py) runs the django-q2
cluster and sets this flag, shared by every process of the cluster, when it
is asked to stop. The drain loops check it between items, and tasks that only
wake a drain return at once, so a worker ends with the item in hand and
leaves the rest queued in the database for the reconcilers (the database is
the queue of record). Outside such a worker (web requests, tests, a plain
`qcluster`) nothing is ever stopping.
"""

import multiprocessing
import signal
from datetime import datetime, timedelta

from django_q.signals import post_execute_in_worker, post_spawn, pre_execute

from core import clock

_stop = None  # a multiprocessing.Event, made before the cluster forks
_busy = False  # this worker process is executing a task
_exit_after_task = False


def stop_requested() -> bool:
    """True once this worker has been asked to stop: finish the item in hand, take no more."""
    return _stop is not None and _stop.is_set()


def time_to_leave(started: datetime, budget: timedelta) -> bool:
    """Whether a drain loop should stop taking items: its time budget since `started` is
    spent (stay well inside the task timeout) or the worker is stopping. What is left
    stays queued in the database for the next task or the reconciler."""
    return stop_requested() or clock.now() - started > budget


def prepare_cluster_processes() -> None:
    """Make the shared flag and hook the workers; call before the cluster forks them."""
    global _stop
    _stop = multiprocessing.get_context("fork").Event()
    post_spawn.connect(_on_worker_spawn, dispatch_uid="core.worker")
    pre_execute.connect(_on_task_start, dispatch_uid="core.worker")
    post_execute_in_worker.connect(_on_task_end, dispatch_uid="core.worker")


def request_stop() -> None:
    """Ask every process of the cluster to stop after the item in hand."""
    _stop.set()


# --- inside each worker process ---------------------------------------------
# SIGTERM sent to every process at once (`kill 0`, systemd, a container runtime)
# would kill django-q2's workers mid-step: an idle worker exits, a busy one
# finishes its task first.


def _on_worker_spawn(sender, **kwargs) -> None:
    signal.signal(signal.SIGTERM, _on_worker_sigterm)


def _on_worker_sigterm(signum, frame) -> None:
    global _exit_after_task
    request_stop()
    if not _busy:
        raise SystemExit(0)  # waiting for a task: nothing held
    _exit_after_task = True


def _on_task_start(sender, **kwargs) -> None:
    global _busy
    _busy = True


def _on_task_end(sender, **kwargs) -> None:
    global _busy
    _busy = False
    if _exit_after_task:
        # The task's effects are committed in our tables; django-q2 misses only
        # its acknowledgement and may deliver it again: every task is safe twice.
        raise SystemExit(0)
