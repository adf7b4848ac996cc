"""An import signs up a slice's new accounts together: a file of new customers costs the
same queries per slice whatever its length, with the report of rows applied one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Account, Contact
from imports.models import ImportMode
from imports.services import run_import_job, start_import
from tests.factories import AccountFactory
from tests.queries import statements
from workflows.sweeps import SWEEPS
from workflows.tasks import run_sweep

pytestmark = pytest.mark.django_db

HEADER = (
    "external_id,name,plan,mrr,timezone,billing_customer_id,"
    "contact_name,contact_email,contact_phone"
)


def book(prefix: str, rows: int) -> bytes:
    lines = [HEADER]
    lines += [
        f"{prefix}{n},Customer {n},pro,99,Europe/Berlin,cus_{prefix}{n},"
        f"Pat {n},pat{n}@{prefix}.example,+1415555{n:04d}"
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_a_file_of_200_new_customers_takes_as_many_queries_as_one_of_10():
    def run(prefix: str, rows: int) -> list[str]:
        job, _ = start_import(content=book(prefix, rows), file_name="b.csv", mode=ImportMode.APPLY)
        with CaptureQueriesContext(connection) as captured:
            run_import_job(job.pk)
        job.refresh_from_db()
        assert (job.finished, job.created, job.errors) == (True, rows, 0)
        return statements(captured)

    # The import's end runs every sweep once (workflows.backlogs): spend their first
    # runs now, so both files meet the same, live system.
    for sweep in SWEEPS:
        run_sweep(sweep.run.__name__)
    few, many = run("few", 10), run("many", 200)

    assert len(many) == len(few), "\n".join(s[:160] for s in many)
    account = Account.objects.get(external_id="many7")
    assert (account.timezone, account.billing_customer_id) == ("Europe/Berlin", "cus_many7")
    assert Contact.objects.get(account=account).phone == "+14155550007"


def test_new_and_known_accounts_and_bad_rows_in_one_slice_are_each_reported(import_file):
    AccountFactory(external_id="known", name="Known", plan="free", billing_customer_id="cus_k")
    content = (
        b"external_id,name,plan,billing_customer_id,contact_name,contact_email\n"
        b"new1,New One,pro,,Ana,ana@new1.example\n"
        b"known,Known Renamed,,,Bo,bo@known.example\n"
        b"\n"
        b"bad,Bad,platinum,,,\n"
        b"taken,Taken,,cus_k,,\n"
        b"new2,New Two,,,,not-an-address\n"
        b"new3,New Three,,,,\n"
    )

    job = import_file(content)

    assert (job.created, job.updated, job.unchanged, job.errors) == (2, 1, 0, 3)
    assert [(e.line, e.external_id, e.message) for e in job.row_errors.order_by("line")] == [
        (5, "bad", "Unknown plan 'platinum'."),
        (6, "taken", "Another account already has billing customer id 'cus_k'."),
        (7, "new2", "The e-mail address 'not-an-address' is not valid."),
    ]
    assert Account.objects.get(external_id="known").name == "Known Renamed"
    assert Contact.objects.get(account__external_id="known").email == "bo@known.example"
    assert set(Account.objects.values_list("external_id", flat=True)) == {"known", "new1", "new3"}


def test_a_preview_of_new_customers_reports_them_and_writes_nothing(import_file):
    job = import_file(book("p", 5), mode=ImportMode.PREVIEW)

    assert (job.created, job.errors) == (5, 0)
    assert Account.objects.count() == 0
