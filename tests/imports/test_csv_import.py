"""CSV import of accounts and contacts: a background job with a row-by-row report."""

import pytest

from accounts.models import Account, AccountEvent, Contact
from imports.models import ImportJob, ImportMode
from imports.parsing import ImportFileError
from imports.services import start_import

pytestmark = pytest.mark.django_db

HEADER = "external_id,name,plan,mrr,owner_email,contact_name,contact_email,contact_primary\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


GOOD = csv(
    "acme,Acme Inc,pro,499,carl@example.com,Ana Lima,ana@acme.example,yes",
    "globex,Globex,starter,49,,Bo Chen,bo@globex.example,yes",
)


def errors_of(job) -> dict[int, str]:
    return dict(job.row_errors.values_list("line", "message"))


def test_an_import_creates_accounts_with_owner_and_primary_contact(import_file, csm):
    job = import_file(GOOD)

    assert (job.created, job.errors, job.rows_done) == (2, 0, 2)
    acme = Account.objects.get(external_id="acme")
    assert (acme.name, acme.plan, acme.mrr, acme.owner) == ("Acme Inc", "pro", 499, csm)
    assert acme.contacts.get().is_primary
    assert AccountEvent.objects.filter(account=acme, cause_kind="import").exists()


def test_importing_the_same_content_again_changes_nothing(import_file, csm):
    import_file(GOOD)
    events = AccountEvent.objects.count()

    job = import_file(GOOD.replace(b"\n", b"\r\n"), name="again.csv")

    assert (job.unchanged, job.created, job.updated) == (2, 0, 0)
    assert AccountEvent.objects.count() == events
    assert Contact.objects.count() == 2


def test_uploading_the_same_file_twice_gives_the_first_job(import_file, csm):
    first = import_file(GOOD)

    again, created = start_import(content=GOOD, file_name="a.csv", mode=ImportMode.APPLY)

    assert (again.pk, created) == (first.pk, False)


def test_a_changed_row_updates_the_account(import_file, csm):
    import_file(GOOD)

    job = import_file(csv("acme,Acme Group,business,999,,,,"))

    assert job.updated == 1
    acme = Account.objects.get(external_id="acme")
    assert (acme.name, acme.plan, acme.mrr) == ("Acme Group", "business", 999)


def test_bad_rows_are_reported_with_their_line_and_the_good_ones_imported(import_file, csm):
    job = import_file(
        csv(
            "good,Good Co,pro,10,,,,",
            ",No Id,pro,10,,,,",
            "badplan,Bad Plan,platinum,10,,,,",
            "badmrr,Bad MRR,pro,-5,,,,",
            "badowner,Bad Owner,pro,10,nobody@example.com,,,",
            "bademail,Bad Email,pro,10,,Cy,not-an-email,yes",
        )
    )

    errors = errors_of(job)
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "external id" in errors[3]
    assert "platinum" in errors[4]
    assert "negative" in errors[5]
    assert "nobody@example.com" in errors[6]
    assert list(Account.objects.values_list("external_id", flat=True)) == ["good"]


def test_a_too_long_billing_id_refuses_its_row_only(import_file):
    content = (
        "external_id,name,billing_customer_id\n"
        "before,Before Co,cus_1\n"
        f"long,Long Co,cus_{'x' * 120}\n"
        "after,After Co,cus_3\n"
    ).encode()

    job = import_file(content)

    assert "longer than 100 characters" in errors_of(job)[3]
    assert set(Account.objects.values_list("external_id", flat=True)) == {"before", "after"}
    assert job.summary() == "3 of 3 rows: 2 created, 0 updated, 0 unchanged, 1 error"


def test_a_repeated_external_id_is_refused_not_overwritten(import_file):
    content = csv(
        "acme,Acme Inc,pro,499,,,,", "globex,Globex,pro,1,,,,", "acme,Acme Two,free,0,,,,"
    )

    job = import_file(content)

    assert errors_of(job) == {
        4: "External id 'acme' is already on line 2 of this file; each account may appear once."
    }
    assert Account.objects.get(external_id="acme").name == "Acme Inc"


def test_line_numbers_count_blank_lines_and_multi_line_fields(import_file):
    content = b'external_id,name,plan\none,One,pro\n\ntwo,"Two\nLines",pro\nthree,Three,platinum\n'

    job = import_file(content)

    assert errors_of(job).keys() == {6}
    assert Account.objects.get(external_id="two").name == "Two\nLines"


def test_a_preview_reports_and_writes_nothing(import_file, csm):
    job = import_file(GOOD, mode=ImportMode.PREVIEW)

    assert job.summary() == "2 of 2 rows would be: 2 created, 0 updated, 0 unchanged, 0 errors"
    assert Account.objects.count() == 0
    assert AccountEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (HEADER.encode(), "no rows"),
        (b"name,plan\nAcme,pro\n", r"Missing column\(s\): external_id"),
        (b"external_id,name,colour\nx,X,red\n", r"Unknown column\(s\): colour"),
        ("external_id,name\nx,Café\n".encode("latin-1"), "not UTF-8"),
        (b"external_id,name\nx," + b'"' + b"y" * 200_000 + b'"\n', "Line 2"),
    ],
)
def test_an_unreadable_file_is_refused_whole_and_starts_no_job(content, message):
    with pytest.raises(ImportFileError, match=message):
        start_import(content=content, file_name="a.csv", mode=ImportMode.APPLY)
    assert Account.objects.count() == 0
    assert not ImportJob.objects.exists()


def test_a_row_without_plan_or_mrr_keeps_the_accounts_own(import_file, csm):
    import_file(csv("acme,Acme Inc,pro,499,,,,"))

    job = import_file(b"external_id,name,contact_email\nacme,Acme Inc,ana@acme.example\n")

    acme = Account.objects.get(external_id="acme")
    assert (acme.plan, acme.mrr) == ("pro", 499)
    assert job.updated == 1  # the contact was added
