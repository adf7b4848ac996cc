"""The worker bench's pieces that need no running cluster: its figures, the backlog it
builds, the tasks it enqueues, when it calls an event done, and stopping its processes.

No timings are asserted; `make bench` measures. The bench's modules are imported
by the tests, not at collection: loaded then, they change the cases the fixed-seed
schemathesis test (tests/api) draws.
"""

import sys
import time
from pathlib import Path

import pytest

from accounts.models import AccountTag, HealthStatus, TagEvent
from accounts.services import change_health_status
from core import clock
from notifications.models import Channel, Message, MessageStatus
from tests.factories import AccountFactory, ContactFactory
from workflows import engine
from workflows.models import Run, RunStatus, TriggerEvent


def test_percentiles_count_unfinished_events_as_slower_than_the_wait():
    from demo.bench.latency import percentile, summarise

    finished = [0.2, 0.1, 0.4, 0.3]
    assert percentile(finished, 50) == 0.2  # nearest rank: the 2nd of 4
    assert percentile(finished, 95) == 0.4

    twenty = [n / 10 for n in range(1, 19)] + [None, None]  # 18 done, 2 never
    latency = summarise(twenty, timeout=60)
    assert (latency.count, latency.finished) == (20, 18)
    assert latency.p50 == 1.0
    assert latency.p95 is None  # the 19th of 20 is one that never finished
    assert latency.describe() == "p50 1.00 s, p95 > 60 s, worst > 60 s (18 of 20 finished)"
    assert summarise([], timeout=60).describe() == "no events"
    with pytest.raises(ValueError, match="No values"):
        percentile([], 50)


def test_tasks_per_thousand_is_undefined_when_nothing_was_done():
    from demo.bench.latency import per_thousand

    assert per_thousand(12, 6_000) == 2.0
    assert per_thousand(3, 0) is None


def test_a_health_change_always_asks_for_another_status():
    from demo.bench import interactive

    for current in [*HealthStatus.values, ""]:
        for n in range(8):
            assert interactive.next_health(current, n) != current


@pytest.fixture
def book(db, csm):
    """Six accounts an owner looks after, each with a primary contact who has an e-mail."""
    accounts = [AccountFactory(owner=csm) for _ in range(6)]
    for account in accounts:
        ContactFactory(account=account, is_primary=True)
    return accounts


def test_the_backlog_is_due_one_step_runs_and_messages_and_cleaning_removes_what_they_did(book):
    from demo.bench import backlog

    built = backlog.build_backlog(runs=10, messages=8)

    runs = Run.objects.filter(workflow_id=built.workflow_id)
    assert runs.count() == 10
    assert set(runs.values_list("status", flat=True)) == {RunStatus.QUEUED}
    assert all(len(run.version.steps) == 1 for run in runs)
    assert not runs.filter(due_at__gt=clock.now()).exists()
    messages = Message.objects.filter(cause_key__startswith=backlog.PREFIX)
    assert (
        sorted(messages.values_list("channel", flat=True))
        == [Channel.EMAIL] * 4 + [Channel.IN_APP] * 4
    )
    assert set(messages.values_list("status", flat=True)) == {MessageStatus.QUEUED}
    assert backlog.pending(built.workflow_id) == (10, 8)

    assert engine.execute_run(runs.first().pk) == RunStatus.SUCCEEDED
    assert backlog.done(built.workflow_id) == (1, 0)
    assert AccountTag.objects.filter(tag__name=backlog.TAG).count() == 1

    backlog.clear_backlog()
    assert not Run.objects.filter(workflow_id=built.workflow_id).exists()
    assert not messages.exists()
    assert not TriggerEvent.objects.filter(event_key__startswith=backlog.PREFIX).exists()
    assert not TagEvent.objects.filter(tag__name=backlog.TAG).exists()
    assert not AccountTag.objects.filter(tag__name=backlog.TAG).exists()


def test_the_workers_are_woken_with_signed_tasks_on_the_broker(book):
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    from demo.bench import backlog, wakeups

    built = backlog.build_backlog(runs=3, messages=2)
    OrmQ.objects.all().delete()

    enqueued = wakeups.wake_for_backlog(built.workflow_id)

    funcs = [SignedPackage.loads(q.payload)["func"] for q in OrmQ.objects.order_by("pk")]
    assert len(funcs) == enqueued
    if wakeups.draining_engine():
        assert funcs == [wakeups.DRAIN_RUNS, wakeups.DRAIN_OUTBOX]
    else:  # before draining: one task per row, runs and messages interleaved
        run, message = wakeups.EXECUTE_RUN, wakeups.DELIVER_MESSAGE
        assert funcs == [run, message, run, message, run]
    wakeups.clear_broker()
    assert not OrmQ.objects.exists()


def test_a_health_change_is_done_once_its_runs_succeeded_and_their_messages_were_sent(
    book, by_manager, deliver
):
    from demo.bench import interactive

    account = book[0]
    sent = interactive.Sent("health", account.pk, "health_status_changed", clock.now(), 0.1)
    assert not interactive.check_done(sent)  # nothing recorded yet

    deliver(
        lambda: change_health_status(
            account=account, status=HealthStatus.STRUGGLING, cause=by_manager
        )
    )

    assert interactive.check_done(sent)
    assert sent.runs == 1
    assert sent.messages == 2  # the customer's e-mail and the owner's alert
    assert sent.latency is not None
    assert sent.latency >= 0

    Message.objects.filter(account=account).update(status=MessageStatus.QUEUED, sent_at=None)
    assert not interactive.check_done(type(sent)(*_same(sent)))


def _same(sent) -> tuple:
    return sent.kind, sent.account_id, sent.trigger, sent.at, sent.request_seconds


def test_stopping_kills_a_process_group_that_ignores_sigterm(tmp_path: Path):
    from demo.bench import processes

    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    process = processes.Process("stubborn", [sys.executable, "-c", stubborn], {}, tmp_path / "log")

    def fail_while_running():
        with processes.running(process, grace=0.5):
            time.sleep(0.3)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_while_running()
    assert not process.alive()


def test_stop_waits_no_longer_than_its_grace(tmp_path: Path):
    from demo.bench import processes

    stubborn = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
    process = processes.Process("stubborn", [sys.executable, "-c", stubborn], {}, tmp_path / "log")
    process.start()
    time.sleep(0.3)
    processes.stop([process], grace=0.5)
    assert not process.alive()
