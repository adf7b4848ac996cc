"""An import runs as a worker's job: resumable, exactly once per row, reported to its author."""

from datetime import timedelta

import pytest
import time_machine

from accounts.models import Account, AccountEvent
from core import clock
from imports import services
from imports.models import ImportJob, ImportMode, ImportStatus
from imports.services import resume_import_jobs, run_import_job, start_import
from notifications.models import Alert
from tests.workflows.outcomes import emails_to, stage, tag_names

pytestmark = pytest.mark.django_db


def book(rows: int) -> bytes:
    lines = ["external_id,name,plan,mrr,contact_name,contact_email,contact_primary"]
    lines += [f"a{n},Customer {n},pro,99,Pat {n},pat{n}@customer.example,yes" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def queued(content: bytes, **options) -> ImportJob:
    """A job as the upload leaves it, before any worker has run it."""
    job, _ = start_import(content=content, file_name="book.csv", mode=ImportMode.APPLY, **options)
    return job


def test_importing_a_book_of_customers_sends_no_welcome_but_places_them(import_file, csm):
    job = import_file(book(3), user=csm)

    assert job.created == 3
    account = Account.objects.get(external_id="a0")
    assert tag_names(account) == {"Active SaaS"}
    assert stage(account, "subscription") == "Active"
    assert emails_to("pat0@customer.example") == []
    assert not Alert.objects.exclude(user=csm).exists()  # no "new account" alert per row


def test_an_import_marked_as_sign_ups_welcomes_each_new_account(import_file, csm):
    import_file(book(2), as_sign_ups=True, user=csm)

    [welcome] = emails_to("pat1@customer.example")
    assert welcome.subject.startswith("Welcome to")
    assert tag_names(Account.objects.get(external_id="a1")) == {"Active SaaS"}


def test_the_author_gets_the_report_in_the_inbox_and_by_e_mail(import_file, manager):
    content = book(2) + b"bad,Bad Co,platinum,1,,,\n"

    import_file(content, user=manager)

    [alert] = Alert.objects.filter(user=manager)
    assert "1 row refused" in alert.message.subject
    [mail] = emails_to(manager.email)
    assert "3 of 3 rows: 2 created, 0 updated, 0 unchanged, 1 error" in mail.body
    assert "/admin/imports/importjob/" in mail.body


def test_a_long_file_is_imported_slice_by_slice_each_row_once(monkeypatch, import_file):
    monkeypatch.setattr(services, "SLICE_ROWS", 7)
    monkeypatch.setattr(services, "TIME_BUDGET", timedelta(0))  # hand over after every slice

    job = import_file(book(30))

    assert (job.status, job.rows_done, job.created) == (ImportStatus.DONE, 30, 30)
    assert AccountEvent.objects.filter(kind="signed_up").count() == 30


def test_a_worker_that_died_mid_file_is_resumed_where_it_stopped(monkeypatch, deliver):
    monkeypatch.setattr(services, "SLICE_ROWS", 10)
    job = queued(book(25))
    real_slice = services._import_slice
    calls = []

    def die_on_second_slice(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_slice(*args, **kwargs)

    monkeypatch.setattr(services, "_import_slice", die_on_second_slice)
    with pytest.raises(SystemExit):
        run_import_job(job.pk)
    monkeypatch.setattr(services, "_import_slice", real_slice)
    job.refresh_from_db()
    assert (job.status, job.rows_done) == (ImportStatus.RUNNING, 10)

    assert run_import_job(job.pk) == "not claimed"  # its claim is still fresh
    with time_machine.travel(clock.now() + timedelta(minutes=3)):
        assert deliver(resume_import_jobs) == 1

    job.refresh_from_db()
    assert (job.status, job.rows_done, job.created) == (ImportStatus.DONE, 25, 25)
    assert Account.objects.count() == 25


def test_a_job_already_claimed_is_not_run_by_a_second_worker():
    job = queued(book(2))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, claimed_at=clock.now())

    assert run_import_job(job.pk) == "not claimed"
    assert Account.objects.count() == 0


def test_running_a_finished_job_again_changes_nothing(import_file):
    job = import_file(book(3))
    events = AccountEvent.objects.count()

    assert run_import_job(job.pk) == "not claimed"
    assert AccountEvent.objects.count() == events
