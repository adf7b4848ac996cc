"""core.claim_loop: the drains of the engine and the outbox work through what is due
within one time budget, stop for a stopping worker, and share one retry schedule."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core import worker
from core.claim_loop import TIME_BUDGET, drain, retry_delay

NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_every_due_item_is_worked_in_order_and_its_outcome_returned(frozen):
    assert drain([3, 1, 2], lambda item: item * 10) == [30, 10, 20]


def test_once_the_budget_is_spent_the_item_in_hand_is_finished_and_no_other_taken(frozen):
    worked = []

    def slow(item):
        worked.append(item)
        frozen.shift(timedelta(seconds=20))
        return item

    assert drain([1, 2, 3, 4], slow) == [1, 2]
    assert worked == [1, 2]  # 40 s spent of 30: items 3 and 4 stay queued


def test_two_drains_given_one_start_share_one_budget(frozen):
    started = NOW
    frozen.shift(TIME_BUDGET - timedelta(seconds=1))
    assert drain(["event"], str, started=started) == ["event"]

    frozen.shift(timedelta(seconds=2))
    assert drain(["run"], str, started=started) == []
    assert drain(["run"], str) == ["run"]  # a fresh drain has its own budget


def test_a_stopping_worker_takes_no_item(frozen, monkeypatch):
    flag = threading.Event()
    monkeypatch.setattr(worker, "_stop", flag)

    def stop_after(item):
        flag.set()
        return item

    assert drain([1, 2], stop_after) == [1]


def test_retries_wait_a_minute_then_longer_up_to_six_hours():
    waits = [retry_delay(attempts) for attempts in range(1, 8)]

    assert waits == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        timedelta(hours=6),
        timedelta(hours=6),
    ]
