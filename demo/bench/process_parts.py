"""The bench parts that go through real processes (`manage.py worker`, gunicorn,
daphne): what users and integrators wait on. Each measures (demo/bench/workers.py,
webhooks.py, live.py), judges the figures against the issue's targets, writes its
rows to the table and returns the figures for the JSON results."""

from collections.abc import Callable

from django.db import connection

from . import live, webhooks, workers
from .table import Table

Say = Callable[[str], None]

# The worker path's targets (issue #16): PostgreSQL, and SQLite's own.
LATENCY_P95_SECONDS = 2.0
WORKER_RUNS_PER_SECOND = {"postgresql": 200, "sqlite": 100}
WORKER_MESSAGES_PER_SECOND = {"postgresql": 300, "sqlite": 100}
TASKS_PER_1000_RUNS = 20
# Issue 23: signed webhook deliveries per second from a 2-worker cluster to a local receiver.
WEBHOOKS_PER_SECOND = 200
# Issue 22: a message's round trip (publish → the other side's socket), 200 sockets open.
LIVE_ROUND_TRIP_P95_SECONDS = 0.5


def measure_workers(table: Table, options: dict, say: Say) -> dict:
    """The worker path (demo/bench/workers.py): throughput and interactive latency."""
    table.path = "workers"
    sizes = workers.Sizes(
        runs=options["backlog"],
        messages=options["backlog"],
        events=options["interactive"],
        window=options["window"],
        timeout=options["timeout"],
        port=options["port"],
    )
    say("Worker path (real `manage.py worker` and gunicorn processes):")
    figures = workers.measure(sizes, say=say)
    vendor = connection.vendor
    setup, flow, latency = figures["setup"], figures["throughput"], figures["latency"]
    nothing = {"seconds": 0, "queries": None, "peak_mb": None}
    window = {**nothing, "seconds": flow["seconds"]}
    table.row(
        "workers",
        f"backlog {sizes.runs:,} runs + {sizes.messages:,} messages",
        {**nothing, "seconds": setup["build_seconds"]},
        f"bulk_create; {setup['wake_tasks']:,} wake-up task(s)",
    )
    drained = " (backlog ran out: a floor)" if flow["ran_out"] else ""
    for what, per_second, targets in (
        ("one-step runs", flow["runs_per_second"], WORKER_RUNS_PER_SECOND),
        ("messages delivered", flow["messages_per_second"], WORKER_MESSAGES_PER_SECOND),
    ):
        met = per_second >= targets.get(vendor, targets["postgresql"])
        note = f"{per_second:,.0f}/s per 2-worker cluster{drained}"
        table.row("workers", f"throughput: {what}", window, note, met=met, sqlite_too=True)
    tasks, per_run = flow["tasks"], flow["tasks_per_1000_runs"]
    bound = "≥ " if tasks["saturated"] else ""
    shown = "-" if per_run is None else f"{bound}{per_run:,.1f}"
    note = f"{shown} per 1,000 runs ({tasks['workflows']:,} engine + "
    note += f"{tasks['notifications']:,} outbox tasks in the window)"
    met = None if per_run is None else per_run <= TASKS_PER_1000_RUNS
    what = "django-q2 tasks per 1,000 runs"
    table.row("workers", what, window, note, met=met, sqlite_too=True)
    for kind, what in (("health", "health change (staff page)"), ("payment", "payment (API)")):
        figure = latency[kind]
        p95 = figure["p95_seconds"]
        m = {**nothing, "seconds": figure["timeout_seconds"] if p95 is None else p95}
        met = p95 is not None and p95 <= LATENCY_P95_SECONDS
        p50 = "timed out" if figure["p50_seconds"] is None else f"{figure['p50_seconds']:.2f} s"
        note = f"p95; p50 {p50}; {figure['finished']} of {figure['events']} done"
        table.row("workers", f"latency: {what}", m, note, met=met, sqlite_too=True)
    return figures


def measure_webhooks(table: Table, options: dict, say: Say) -> dict:
    """Outbound webhooks through a real worker cluster (demo/bench/webhooks.py)."""
    table.path = "workers"
    sizes = webhooks.Sizes(window=options["window"])
    figures = webhooks.run(sizes, say=say)
    note = f"{figures['per_second']:,.0f}/s signed and verified, 2-worker cluster"
    if not figures["all_delivered"]:
        note += f"; {figures['failed']} failed"
    table.row(
        "workers",
        "throughput: outbound webhooks",
        {"seconds": figures["seconds"], "queries": None, "peak_mb": None},
        note,
        met=figures["per_second"] >= WEBHOOKS_PER_SECOND,
        sqlite_too=True,
    )
    return figures


def measure_live(table: Table, options: dict, say: Say) -> dict:
    """WebSocket round trips with many sockets open (demo/bench/live.py)."""
    table.path = "live"
    sizes = live.LiveSizes(
        connections=options["live_connections"],
        messages=options["live_messages"],
        rate=options["live_rate"],
        port=options["port"] + 1,
    )
    figures = live.measure(sizes, say=say)
    trip = figures["round_trip"]
    p95 = trip["p95_seconds"]
    m = {"seconds": trip["timeout_seconds"] if p95 is None else p95, "queries": None}
    p50 = "timed out" if trip["p50_seconds"] is None else f"{trip['p50_seconds'] * 1000:.0f} ms"
    note = f"p95; p50 {p50}; {trip['finished']} of {trip['events']} received; "
    note += f"{sizes.connections} sockets, {figures['layer']}"
    met = p95 is not None and p95 <= LIVE_ROUND_TRIP_P95_SECONDS
    table.row(
        "live",
        "round trip: publish → socket",
        {**m, "peak_mb": None},
        note,
        met=met,
        sqlite_too=True,
    )
    return figures
