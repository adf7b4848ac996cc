"""A book imported into a live system is history, not news (#16 item 4).

The sweeps have run here before (so their first-run guard is spent); a CSV of customers
who signed up long ago arrives. Their overdue surveys and unused features must not
become a wave of e-mails: the sweeps wait while the file loads, then what they find for
the imported accounts is held for a manager's choice, above the threshold.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from imports.models import ImportMode, ImportRowError
from imports.services import start_import
from notifications.models import Message
from tests.factories import AccountFactory
from tests.workflows.outcomes import emails_to
from workflows import tasks
from workflows.backlogs import choose
from workflows.models import SweepBacklog, TriggerEvent
from workflows.sweeps import SWEEPS

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
BOOK = 8


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def live_system(deliver, settings):
    """Every sweep has run here already, on an empty book: no first run is left."""
    settings.SWEEP_BACKLOG_THRESHOLD = 5
    for sweep in SWEEPS:
        deliver(lambda sweep=sweep: tasks.run_sweep(sweep.run.__name__))
    assert not SweepBacklog.objects.exists()


def book(rows: int, since: str = "2023-01-15") -> bytes:
    lines = ["external_id,name,signed_up_at,contact_name,contact_email,contact_primary"]
    lines += [f"c{n},Customer {n},{since},Pat {n},pat{n}@customer.example,yes" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def imported_contacts_mailed() -> int:
    return sum(len(emails_to(f"pat{n}@customer.example")) for n in range(BOOK))


def test_an_imported_book_s_history_is_held_and_sends_nothing(live_system, import_file, manager):
    job = import_file(book(BOOK), user=manager, name="book.csv")

    assert job.created == BOOK
    held = SweepBacklog.objects.filter(occasion="the CSV import of book.csv")
    assert "nps_due" in {backlog.sweep for backlog in held}
    assert held.get(sweep="nps_due").held == BOOK
    assert imported_contacts_mailed() == 0
    assert not Message.objects.filter(account__external_id__startswith="c").exists()


def test_only_from_now_on_keeps_the_history_unsent_and_all_now_sends_it(
    live_system, import_file, manager, deliver
):
    import_file(book(BOOK), user=manager, name="book.csv")
    nps = SweepBacklog.objects.get(sweep="nps_due")
    others = SweepBacklog.objects.exclude(pk=nps.pk)
    for backlog in others:
        deliver(lambda backlog=backlog: choose(backlog=backlog, choice="from_now", user=manager))

    deliver(lambda: choose(backlog=nps, choice="all", user=manager))

    surveys = [
        email
        for n in range(BOOK)
        for email in emails_to(f"pat{n}@customer.example")
        if "survey" in email.subject.lower() or "recommend" in email.body.lower()
    ]
    assert len(surveys) == BOOK
    assert imported_contacts_mailed() == BOOK  # nothing else of their history was sent


def test_the_sweeps_wait_while_the_import_is_loading(live_system, deliver, manager):
    start_import(content=book(BOOK), file_name="book.csv", mode=ImportMode.APPLY, user=manager)

    for sweep in SWEEPS:
        assert deliver(lambda sweep=sweep: tasks.run_sweep(sweep.run.__name__)) == 0
    assert not TriggerEvent.objects.filter(kind="nps_due").exists()


def test_a_preview_does_not_hold_the_sweeps(live_system, deliver, manager):
    customer = AccountFactory(signed_up_at=datetime(2023, 1, 15, tzinfo=UTC))
    start_import(content=book(BOOK), file_name="book.csv", mode=ImportMode.PREVIEW, user=manager)

    assert deliver(lambda: tasks.run_sweep("nps_due")) == 1
    assert TriggerEvent.objects.filter(kind="nps_due", account=customer).exists()


def test_a_small_import_is_handled_as_usual(live_system, import_file, manager, settings):
    settings.SWEEP_BACKLOG_THRESHOLD = 100

    import_file(book(3), user=manager, name="small.csv")

    assert not SweepBacklog.objects.exists()
    assert TriggerEvent.objects.filter(kind="nps_due").count() == 3
    assert imported_contacts_mailed() >= 3  # their surveys went out at once


def test_without_sign_up_dates_the_book_starts_today_and_nothing_is_due(
    live_system, import_file, manager
):
    lines = ["external_id,name,contact_email,contact_primary"]
    lines += [f"c{n},Customer {n},pat{n}@customer.example,yes" for n in range(BOOK)]
    import_file(("\n".join(lines) + "\n").encode(), user=manager)

    assert not SweepBacklog.objects.exists()
    assert len(mail.outbox) <= 1  # the importer's own report only


@pytest.mark.parametrize(
    ("since", "reason"),
    [("15/01/2023", "is not a date"), ("2023-02-30", "is not a date"), ("2031-01-01", "future")],
)
def test_a_bad_sign_up_date_refuses_its_row_only(import_file, manager, since, reason):
    content = book(1, since) + b"ok,Fine Co,2023-01-15,,,\n"

    job = import_file(content, user=manager)

    assert (job.created, job.errors) == (1, 1)
    [error] = ImportRowError.objects.filter(job=job)
    assert error.external_id == "c0"
    assert reason in error.message
