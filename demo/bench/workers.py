"""The worker path, measured: a bulk backlog drained by a real 2-worker cluster,
while interactive events come in over HTTP through a real web server.

1. Clean: the last run's backlog, queued tasks and task results are removed;
   the sweep schedules are paused for the measurement (a first sweep over a
   freshly seeded database would add a backlog of its own) and put back after.
2. Build the backlog in bulk (demo.bench.backlog) and wake the workers for it
   (demo.bench.wakeups: the drain wake-ups, or one task per row before them).
3. Start `manage.py worker` and gunicorn (demo.bench.processes) with
   production settings, mail to a folder.
4. Throughput: runs succeeded and messages sent in a window, and the
   django-q2 tasks that took.
5. Latency: health changes (staff page) and payments (API), one every
   `spacing` seconds, each until its playbook's effects are all committed
   (demo.bench.interactive), while the backlog keeps draining.
6. Stop the processes, clean again.
"""

import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django_q.models import Schedule

from accounts.models import Account
from api.models import ApiToken
from api.tokens import create_token
from core import clock

from . import backlog, interactive, processes, wakeups
from .latency import per_thousand, rate, summarise

SWEEP_TASK = "workflows.tasks.run_sweep"
STARTUP_TIMEOUT = 90.0


@dataclass(frozen=True)
class Sizes:
    runs: int = 100_000
    messages: int = 100_000
    events: int = 20  # of each kind
    window: float = 30.0  # seconds of throughput measurement
    timeout: float = 60.0  # longest an interactive event is waited for
    spacing: float = 0.5  # seconds between interactive events
    port: int = 8102
    workers: int = 2


def describe(sizes: Sizes) -> str:
    engine = "drain wake-ups" if wakeups.draining_engine() else "one task per run and message"
    return (
        f"{connection.vendor} + {wakeups.broker_name()} broker, {sizes.workers} workers, "
        f"{engine}; backlog {sizes.runs:,} runs + {sizes.messages:,} messages; "
        f"{sizes.events} health changes + {sizes.events} payments; window {sizes.window:g} s"
    )


@contextlib.contextmanager
def sweeps_paused() -> Iterator[int]:
    """Hold the sweep schedules back a day while measuring; then put their times back."""
    paused = list(Schedule.objects.filter(func=SWEEP_TASK).values_list("pk", "next_run"))
    Schedule.objects.filter(func=SWEEP_TASK).update(next_run=clock.now() + timedelta(days=1))
    try:
        yield len(paused)
    finally:
        _fresh_connection()
        for pk, next_run in paused:
            Schedule.objects.filter(pk=pk).update(next_run=next_run)


def _fresh_connection() -> None:
    """Cleaning up after a signal that cut a query short: that connection is unusable."""
    connection.close()


def clean() -> None:
    backlog.clear_backlog()
    wakeups.clear_broker()


def measure(sizes: Sizes, say: Callable[[str], None]) -> dict:
    """Run the whole worker bench once on this database; returns its figures."""
    if not processes.port_free(sizes.port):
        raise RuntimeError(f"Port {sizes.port} is in use: stop what listens there first.")
    say(f"Worker path: {describe(sizes)}")
    logs = Path(settings.BASE_DIR) / "bench" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    static_root = Path(settings.BASE_DIR) / "bench" / "static"
    mail_dir = Path(tempfile.mkdtemp(prefix="opencsm-bench-mail-"))
    env = processes.child_environment(
        mail_dir=mail_dir, static_root=static_root, workers=sizes.workers
    )
    token, key = create_token(name="bench: worker path")
    figures: dict = {"sizes": sizes.__dict__, "engine": describe(sizes)}
    try:
        with sweeps_paused():
            clean()
            figures["setup"] = _build(sizes, say)
            _collect_static(env)
            stamp = time.strftime("%Y%m%d-%H%M%S")
            worker = processes.worker(env, logs / f"{stamp}-worker.log")
            web = processes.web(env, logs / f"{stamp}-web.log", sizes.port)
            with processes.running(worker, web):
                processes.wait_for_port(sizes.port, web)
                figures["throughput"] = _throughput(sizes, figures["setup"], worker, say)
                figures["latency"] = _latency(sizes, key, say)
                left = backlog.pending(figures["setup"]["workflow_id"])
                figures["left"] = {"runs": left[0], "messages": left[1]}
            say(f"  backlog left undrained at the end: {figures['left']}")
    finally:
        _fresh_connection()
        clean()
        ApiToken.objects.filter(pk=token.pk).delete()
        shutil.rmtree(mail_dir, ignore_errors=True)
    return figures


def _build(sizes: Sizes, say: Callable[[str], None]) -> dict:
    started = time.perf_counter()
    built = backlog.build_backlog(runs=sizes.runs, messages=sizes.messages)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    tasks = wakeups.wake_for_backlog(built.workflow_id)
    woke = time.perf_counter() - started
    say(
        f"  backlog built in {seconds:.1f} s; {tasks:,} task(s) enqueued to wake the workers "
        f"in {woke:.1f} s"
    )
    return {"build_seconds": seconds, "wake_tasks": tasks, "workflow_id": built.workflow_id}


def _collect_static(env: dict[str, str]) -> None:
    """The web server runs with DEBUG off: its pages need the collected, hashed files
    (collected with the servers' own settings, into the bench's STATIC_ROOT)."""
    command = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
    subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=True, timeout=300)


def _throughput(sizes: Sizes, setup: dict, worker: processes.Process, say) -> dict:
    """Runs and messages done per second over the window, once the workers have begun."""
    workflow_id = setup["workflow_id"]
    first = backlog.done(workflow_id)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while backlog.done(workflow_id) == first:
        if not worker.alive() or time.monotonic() > deadline:
            raise RuntimeError(f"The workers did not start on the backlog:\n{worker.tail()}")
        time.sleep(0.2)
    start_at, (runs0, messages0) = clock.now(), backlog.done(workflow_id)
    started = time.perf_counter()
    time.sleep(sizes.window)
    seconds = time.perf_counter() - started
    end_at, (runs1, messages1) = clock.now(), backlog.done(workflow_id)
    runs, messages = runs1 - runs0, messages1 - messages0
    time.sleep(1)  # django-q2's monitor saves a task's result just after it ends
    tasks = wakeups.tasks_between(start_at, end_at)
    left = backlog.pending(workflow_id)
    figures = {
        "seconds": seconds,
        "runs": runs,
        "messages": messages,
        "runs_per_second": rate(runs, seconds),
        "messages_per_second": rate(messages, seconds),
        "tasks": tasks,
        "tasks_per_1000_runs": per_thousand(tasks["workflows"], runs),
        "tasks_per_1000_messages": per_thousand(tasks["notifications"], messages),
        "ran_out": left == (0, 0),
    }
    say(
        f"  throughput over {seconds:.0f} s: {figures['runs_per_second']:,.0f} runs/s, "
        f"{figures['messages_per_second']:,.0f} messages/s (drained together); "
        f"{tasks['workflows'] + tasks['notifications']:,} django-q2 tasks"
    )
    return figures


def _latency(sizes: Sizes, key: str, say) -> dict:
    """Interactive events, alternating kinds, each waited for until done or timed out."""
    accounts = list(
        Account.objects.filter(owner__isnull=False, contacts__is_primary=True)
        .exclude(contacts__email="")
        .order_by("-pk")
        .distinct()[: 2 * sizes.events]
    )
    if len(accounts) < 2 * sizes.events:
        raise RuntimeError(f"Need {2 * sizes.events} accounts with an owner and a contact.")
    browser = interactive.Browser(sizes.port)
    browser.log_in(reverse("login"), "manager", settings.DEMO_PASSWORD)
    sent: list[interactive.Sent] = []
    waiting: list[interactive.Sent] = []
    # However slow the server, the phase ends: sending stops once its share of time is up.
    sending_until = time.monotonic() + 2 * sizes.events * sizes.spacing + sizes.timeout
    for n, account in enumerate(accounts):
        if time.monotonic() > sending_until:
            say(f"  stopped sending after {n} events: the server answers too slowly")
            break
        if n % 2 == 0:
            path = reverse("accounts:health", args=[account.pk])
            event = interactive.change_health(browser, path, account, n)
        else:
            event = interactive.pay(sizes.port, key, account)
        sent.append(event)
        waiting.append(event)
        waiting = _wait(waiting, until=time.monotonic() + sizes.spacing)
    last = time.monotonic() + sizes.timeout
    while waiting and time.monotonic() < last:
        waiting = _wait(waiting, until=min(last, time.monotonic() + 1))
    figures = {}
    for kind in ("health", "payment"):
        mine = [event for event in sent if event.kind == kind]
        # An event done only after its own timeout counts as not done, like one never done.
        latencies = [_within(event.latency, sizes.timeout) for event in mine]
        summary = summarise(latencies, timeout=sizes.timeout)
        requests = summarise([event.request_seconds for event in mine], timeout=sizes.timeout)
        figures[kind] = {**summary.as_dict(), "request_p50_seconds": requests.p50}
        say(f"  {kind}: {summary.describe()}; the HTTP request itself p50 {requests.p50:.3f} s")
    return figures


def _within(latency: float | None, timeout: float) -> float | None:
    return latency if latency is not None and latency <= timeout else None


def _wait(waiting: list, *, until: float) -> list:
    """Check the unfinished events until `until`; returns those still unfinished."""
    while True:
        waiting = [event for event in waiting if not interactive.check_done(event)]
        if not waiting or time.monotonic() >= until:
            return waiting
        time.sleep(min(0.1, max(0.0, until - time.monotonic())))
