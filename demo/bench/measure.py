"""Measuring one part of the bench: time, queries, peak memory; undoing what it wrote."""

import contextlib
import resource
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection, transaction


class Rollback(Exception):
    """Raised at the end of a measurement to undo what it wrote."""


def measured(fn: Callable[[], object]) -> dict:
    """Run `fn` once: seconds, queries, and the process's peak memory (RSS) during it.

    Queries are counted by an execute wrapper (connection.queries keeps only
    the last 9,000). The kernel's peak-RSS mark is reset first where Linux
    allows it, so the peak is this part's own, not the largest so far.
    (tracemalloc would also give per-part peaks but slows Python several times over.)
    """
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    _reset_peak_memory()
    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "queries": count, "peak_mb": _peak_memory_mb(), "result": result}


def _reset_peak_memory() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)


def _peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_on_commit_callbacks() -> None:
    """Run (and forget) what the enclosing, to-be-rolled-back transaction would run
    after commit: the engine's wake-up tasks are part of ingestion's cost."""
    callbacks, connection.run_on_commit = connection.run_on_commit, []
    for _, callback, _ in callbacks:
        callback()


def rolled_back(fn: Callable[[], dict]) -> dict:
    outcome = {}
    try:
        with transaction.atomic():
            outcome = fn()
            raise Rollback
    except Rollback:
        pass
    return outcome
