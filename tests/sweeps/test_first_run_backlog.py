"""No flood on day one (#16 item 4): a sweep's first run that finds more due facts than
SWEEP_BACKLOG_THRESHOLD records them and sends nothing until a manager chooses.

End to end: the schedule's task (workflows.tasks.run_sweep) in, events, runs, e-mails out;
django-q2 is inline in tests, so `deliver` runs everything a worker would after commit.
"""

from datetime import timedelta

import pytest
from django.core import mail

from notifications.models import Message
from tests.factories import AccountFactory, ContactFactory
from tests.sweeps.conftest import NOW
from workflows import tasks
from workflows.backlogs import choose
from workflows.models import HeldEvent, Run, RunStatus, SweepBacklog, TriggerEvent

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("frozen_time"),
]


@pytest.fixture(autouse=True)
def threshold(settings):
    settings.SWEEP_BACKLOG_THRESHOLD = 5


ACCOUNTS = 8


@pytest.fixture
def book(csm):
    """Eight accounts, older than the NPS interval: each is due a survey at NOW."""
    accounts = []
    for n in range(ACCOUNTS):
        account = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=120))
        ContactFactory(account=account, email=f"owner{n}@customer.example", is_primary=True)
        accounts.append(account)
    return accounts


def nps_sweep() -> int:
    return tasks.run_sweep("nps_due")


def sent() -> tuple[int, int, int]:
    """(runs that executed, messages queued, e-mails delivered)."""
    executed = Run.objects.exclude(status=RunStatus.SKIPPED).count()
    return executed, Message.objects.count(), len(mail.outbox)


def test_a_first_run_above_the_threshold_records_everything_and_sends_nothing(deliver, book):
    assert deliver(nps_sweep) == ACCOUNTS

    assert TriggerEvent.objects.filter(kind="nps_due").count() == ACCOUNTS
    assert sent() == (0, 0, 0)
    [backlog] = SweepBacklog.objects.all()
    assert (backlog.sweep, backlog.held, backlog.choice, backlog.released) == (
        "nps_due",
        ACCOUNTS,
        "",
        0,
    )
    assert HeldEvent.objects.filter(backlog=backlog).count() == ACCOUNTS


def test_the_held_backlog_waits_however_long_and_a_rerun_changes_nothing(
    deliver, book, frozen_time
):
    deliver(nps_sweep)
    frozen_time.shift(timedelta(hours=30))

    assert deliver(nps_sweep) == 0
    deliver(tasks.release_backlogs)
    deliver(tasks.resume_due_runs)  # the engine's reconciler finds nothing to match

    assert sent() == (0, 0, 0)
    assert SweepBacklog.objects.count() == 1
    assert TriggerEvent.objects.filter(kind="nps_due").count() == ACCOUNTS


def test_only_from_now_on_marks_them_handled_and_nothing_is_ever_sent(
    deliver, book, manager, frozen_time
):
    deliver(nps_sweep)
    backlog = SweepBacklog.objects.get()

    assert deliver(lambda: choose(backlog=backlog, choice="from_now", user=manager))

    backlog.refresh_from_db()
    assert (backlog.choice, backlog.chosen_by, backlog.chosen_at) == ("from_now", manager, NOW)
    assert backlog.finished_at == NOW
    assert not HeldEvent.objects.exists()
    frozen_time.shift(timedelta(hours=2))
    deliver(tasks.release_backlogs)
    deliver(tasks.resume_due_runs)
    assert deliver(nps_sweep) == 0
    assert sent() == (0, 0, 0)


def test_all_now_sends_every_held_message_once(deliver, book, manager):
    deliver(nps_sweep)
    backlog = SweepBacklog.objects.get()

    deliver(lambda: choose(backlog=backlog, choice="all", user=manager))

    assert sent() == (ACCOUNTS, ACCOUNTS, ACCOUNTS)
    backlog.refresh_from_db()
    assert (backlog.released, backlog.finished_at) == (ACCOUNTS, NOW)
    deliver(tasks.release_backlogs)
    assert deliver(nps_sweep) == 0
    assert sent() == (ACCOUNTS, ACCOUNTS, ACCOUNTS), "nothing twice"


def test_a_ramp_releases_at_the_chosen_rate_by_the_clock(deliver, book, manager, frozen_time):
    deliver(nps_sweep)
    backlog = SweepBacklog.objects.get()
    deliver(lambda: choose(backlog=backlog, choice="ramp", per_hour=4, user=manager))
    assert sent()[2] == 0, "nothing yet: no time has passed"

    frozen_time.shift(timedelta(minutes=30))
    deliver(tasks.release_backlogs)
    assert sent()[2] == 2
    deliver(tasks.release_backlogs)  # the schedule ticking again in the same half hour
    assert sent()[2] == 2

    frozen_time.shift(timedelta(minutes=30))
    deliver(tasks.release_backlogs)
    assert sent()[2] == 4

    frozen_time.shift(timedelta(hours=5))
    deliver(tasks.release_backlogs)
    assert sent() == (ACCOUNTS, ACCOUNTS, ACCOUNTS)
    backlog.refresh_from_db()
    assert (backlog.released, backlog.finished_at) == (ACCOUNTS, NOW + timedelta(hours=6))


def test_a_backlog_is_decided_once(deliver, book, manager):
    deliver(nps_sweep)
    backlog = SweepBacklog.objects.get()
    deliver(lambda: choose(backlog=backlog, choice="from_now", user=manager))

    assert deliver(lambda: choose(backlog=backlog, choice="all", user=manager)) is False

    assert sent() == (0, 0, 0)


def test_a_first_run_at_or_below_the_threshold_runs_as_today(deliver, book, settings):
    settings.SWEEP_BACKLOG_THRESHOLD = ACCOUNTS
    deliver(nps_sweep)

    assert sent() == (ACCOUNTS, ACCOUNTS, ACCOUNTS)
    assert not SweepBacklog.objects.exists()


def test_only_the_first_run_is_held(deliver, csm, frozen_time):
    deliver(nps_sweep)  # the first run: nothing due yet
    for n in range(ACCOUNTS):
        account = AccountFactory(owner=csm, signed_up_at=NOW - timedelta(days=120))
        ContactFactory(account=account, email=f"late{n}@customer.example", is_primary=True)
    frozen_time.shift(timedelta(days=1))

    assert deliver(nps_sweep) == ACCOUNTS

    assert not SweepBacklog.objects.exists()
    assert sent() == (ACCOUNTS, ACCOUNTS, ACCOUNTS)
