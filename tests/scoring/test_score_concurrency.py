"""add_points from several workers at once: the score stays the ledger's sum.

Real commits on real connections (transaction=True), one per thread. On
PostgreSQL the account row lock queues the writers; on SQLite the test
database is a file opened with IMMEDIATE transactions and a 30 s busy
timeout, so each add_points waits for the write lock instead of failing.
"""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from accounts.models import Milestone
from core.causes import Cause
from scoring.models import MilestoneAchievement, ScoreEntry, ScoreSource
from scoring.services import add_points
from tests.factories import AccountFactory

WORKERS = 4
CALLS_EACH = 10
POINTS = 10  # 40 x 10 = 400: the Starter milestone (300) is crossed mid-race.


# serialized_rollback: the milestone levels come from a data migration, which a
# transactional test run before this one would have flushed away.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_points_all_count_and_the_score_is_the_ledger_sum():
    account = AccountFactory()
    start = threading.Barrier(WORKERS)
    errors = []

    def worker(number):
        try:
            start.wait(timeout=10)
            for call in range(CALLS_EACH):
                add_points(
                    account=account,
                    points=POINTS,
                    reason=f"worker {number} call {call}",
                    source=ScoreSource.WORKFLOW,
                    cause=Cause.by_system("concurrency test"),
                )
        except Exception as error:  # reported below, with the thread it came from
            errors.append((number, error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not any(thread.is_alive() for thread in threads), "a worker is still waiting"
    assert errors == []
    account.refresh_from_db()
    entries = ScoreEntry.objects.filter(account=account)
    assert entries.count() == WORKERS * CALLS_EACH
    assert account.score == entries.aggregate(total=Sum("points"))["total"]
    assert account.score == WORKERS * CALLS_EACH * POINTS
    assert list(
        MilestoneAchievement.objects.filter(account=account).values_list("milestone", flat=True)
    ) == [Milestone.STARTER]
    assert account.milestone == Milestone.STARTER
