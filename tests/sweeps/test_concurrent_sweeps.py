"""Two workers running the same sweep at the same instant record each fact once.

django-q2 may deliver a schedule's task twice, or two clusters may tick at
once (../shared/DJANGO-Q2.md): the events table, unique on (kind, event_key),
must absorb it. Real threads and connections, committed data.
"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from accounts.models import Account
from activity.models import AppointmentKind, Feature, TaskSource
from activity.services.appointments import book_appointment
from activity.services.logins import record_login
from activity.services.tasks import create_task
from core.causes import Cause
from tests.factories import AccountFactory, ContactFactory, FeatureFactory
from tests.sweeps.conftest import NOW
from tests.workflows.dated import date_workflow, tag
from workflows.models import Run, TriggerEvent
from workflows.sweeps import SWEEPS

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("frozen_time"),
]

ACCOUNTS = 4
BY_API = Cause.by_api("product events")

# What each sweep must record for the accounts made by `due_for_every_sweep`.
EXPECTED = {
    "inactive_accounts": {"account_inactive": ACCOUNTS},
    "unused_features": {"feature_not_used": ACCOUNTS},
    "affiliate_candidates": {"affiliate_qualified": ACCOUNTS},
    "milestone_catch_up": {"milestone_reached": 4 * ACCOUNTS},
    "task_deadlines": {"task_due_soon": ACCOUNTS, "task_overdue": ACCOUNTS},
    "appointment_reminders": {
        "appointment_reminder_day": ACCOUNTS,
        "appointment_reminder_hour": ACCOUNTS,
    },
    "nps_due": {"nps_due": ACCOUNTS},
    "date_occurrences": {"date_reached": ACCOUNTS},
}


def due_for_every_sweep(owner):
    """Accounts with something due for every sweep at NOW."""
    Feature.objects.update(is_active=False)
    FeatureFactory(key="report-builder", name="Report builder", not_used_days=14)
    date_workflow("renewal-day", [tag("Renews today")], days=0)
    for n in range(ACCOUNTS):
        account = AccountFactory(owner=owner, signed_up_at=NOW - timedelta(days=100))
        contact = ContactFactory(account=account)
        record_login(account=account, occurred_at=NOW - timedelta(days=8), cause=BY_API)
        Account.objects.filter(pk=account.pk).update(score=1300, renewal_date=NOW.date())
        for due_at in (NOW + timedelta(hours=5), NOW - timedelta(hours=1)):
            create_task(
                account=account,
                title="Follow up",
                source=TaskSource.STAFF,
                due_at=due_at,
                cause=Cause.by_user(owner),
            )
        for starts_at in (NOW + timedelta(hours=20), NOW + timedelta(minutes=30)):
            book_appointment(
                account=account,
                kind=AppointmentKind.SUCCESS_SESSION,
                starts_at=starts_at,
                contact=contact,
                assignee=owner,
                external_id=f"cal_{n}_{starts_at:%H%M}",
                cause=BY_API,
            )


def run_twice_at_once(sweep):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(sweep.run())
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.parametrize("sweep", SWEEPS, ids=[sweep.run.__name__ for sweep in SWEEPS])
def test_a_sweep_run_by_two_workers_at_once_records_each_event_once(sweep, csm):
    due_for_every_sweep(csm)
    expected = EXPECTED[sweep.run.__name__]

    results, errors = run_twice_at_once(sweep)

    assert errors == []
    assert len(results) == 2
    recorded = TriggerEvent.objects.filter(kind__in=expected)
    assert Counter(recorded.values_list("kind", flat=True)) == expected
    keys = list(recorded.values_list("kind", "event_key"))
    assert len(set(keys)) == len(keys)
    # The engine (inline after each commit) started one run per workflow and event.
    runs = Run.objects.filter(event__kind__in=expected)
    assert runs.count() == len(set(runs.values_list("workflow", "event")))
    assert sweep.run() == 0
