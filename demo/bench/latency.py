"""Latency figures that stay honest when some events never finished.

An interactive event whose effects were not all committed before the bench
stopped waiting is not left out (that would flatter the figure): it counts
as slower than the wait, and a percentile that falls on such an event reads
"> 60 s", not a number.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Latency:
    """p50 and p95 over `count` events; None for a percentile that timed out."""

    count: int
    finished: int
    p50: float | None
    p95: float | None
    worst: float | None
    timeout: float

    def describe(self, unit: str = "s") -> str:
        """E.g. "p50 0.41 s, p95 0.93 s (20 of 20 finished)"."""
        if not self.count:
            return "no events"
        return (
            f"p50 {self._show(self.p50, unit)}, p95 {self._show(self.p95, unit)}, "
            f"worst {self._show(self.worst, unit)} ({self.finished} of {self.count} finished)"
        )

    def _show(self, value: float | None, unit: str) -> str:
        return f"> {self.timeout:g} {unit}" if value is None else f"{value:.2f} {unit}"

    def as_dict(self) -> dict:
        return {
            "events": self.count,
            "finished": self.finished,
            "p50_seconds": self.p50,
            "p95_seconds": self.p95,
            "worst_seconds": self.worst,
            "timeout_seconds": self.timeout,
        }


def percentile(values: Sequence[float | None], q: float) -> float | None:
    """The `q`-th percentile (0–100) by the nearest-rank method; None if it lands on
    an unfinished event (None sorts after every number). Raises on no values."""
    if not values:
        raise ValueError("No values to take a percentile of.")
    if not 0 <= q <= 100:
        raise ValueError("A percentile is between 0 and 100.")
    ordered = sorted(values, key=lambda v: math.inf if v is None else v)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(seconds: Sequence[float | None], *, timeout: float) -> Latency:
    """p50/p95/worst of `seconds`, where None is an event still unfinished at `timeout`."""
    if not seconds:
        return Latency(0, 0, None, None, None, timeout)
    return Latency(
        count=len(seconds),
        finished=sum(value is not None for value in seconds),
        p50=percentile(seconds, 50),
        p95=percentile(seconds, 95),
        worst=percentile(seconds, 100),
        timeout=timeout,
    )


def rate(done: int, seconds: float) -> float:
    """Items a second; 0 for an empty window."""
    return done / seconds if seconds > 0 else 0.0


def per_thousand(tasks: int, items: int) -> float | None:
    """django-q2 tasks per 1,000 items done; None when nothing was done."""
    return tasks * 1000 / items if items else None
