"""`manage.py worker`: the django-q2 cluster, stopping within seconds on SIGTERM or Ctrl-C.

django-q2's own stop (1.11) lets each worker finish every task it already
fetched, with no deadline: a worker in a 30-second drain loop, or with tasks
prefetched behind it, holds the cluster for minutes, and a worker that
recycles while the cluster stops (`recycle`, `max_rss`, a task timeout)
leaves the pusher blocked on a full queue for ever. This command runs the
same cluster, sets the stop flag of core.worker on the first signal, and
kills whatever still runs after STOP_GRACE seconds; the reconcilers' stuck-row
rules settle what a killed worker held, as after a crash.
"""

import contextlib
import logging
import os
import signal
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django_q.cluster import Cluster

from core import worker

logger = logging.getLogger(__name__)

# Leaves time to exit within the 10 s that supervisors commonly allow before SIGKILL.
STOP_GRACE = 7.0


class Command(BaseCommand):
    help = "Run the task queue's workers; SIGTERM or Ctrl-C stops them within seconds."

    def handle(self, *args, **options) -> None:
        settings.SECRET_KEY  # noqa: B018 (refuse to start without it, as qcluster does)
        worker.prepare_cluster_processes()
        cluster = BoundedCluster()
        cluster.start()
        cluster.wait()


class BoundedCluster(Cluster):
    """django-q2's Cluster whose stop sets the shared flag and keeps a deadline."""

    deadline: float | None = None

    def sig_handler(self, signum, frame) -> None:
        # Only ask here; wait() keeps the deadline (a handler must not block).
        if self.deadline is None:
            logger.info("Stopping the workers (signal %s), within %ss.", signum, STOP_GRACE)
            self.deadline = time.monotonic() + STOP_GRACE
        else:  # a second Ctrl-C: now
            self.deadline = time.monotonic()
        worker.request_stop()
        if self.stop_event is not None:
            # From a thread: a multiprocessing Event's set() waits for each waiter
            # to wake, and a sentinel killed while waiting (SIGTERM to the whole
            # group) never does; the deadline below still holds then.
            threading.Thread(target=self.stop_event.set, daemon=True).start()

    def wait(self) -> None:
        """Until the sentinel has stopped its processes, or the deadline has passed."""
        while self.sentinel.is_alive():
            self.sentinel.join(0.2)
            if self.deadline is not None and time.monotonic() > self.deadline:
                left = _descendants(os.getpid())
                logger.warning(
                    "Workers still busy after %ss: killing %s process(es); "
                    "the reconcilers settle what they held.",
                    STOP_GRACE,
                    len(left),
                )
                for pid in left:
                    with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                        os.kill(pid, signal.SIGKILL)
                self.sentinel.join(1)
                return


def _descendants(root: int) -> list[int]:
    """Every process below `root`, from Linux's /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # ended meanwhile
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, frontier = [], [root]
    while frontier:
        frontier = [pid for parent in frontier for pid in children.get(parent, [])]
        found.extend(frontier)
    return found
