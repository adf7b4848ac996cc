"""CSV import of accounts and contacts: preview, row-by-row report, idempotent re-import."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accounts.imports import ImportFileError, import_accounts
from accounts.models import Account, AccountEvent, Contact

pytestmark = pytest.mark.django_db

HEADER = "external_id,name,plan,mrr,owner_email,contact_name,contact_email,contact_primary\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


GOOD = csv(
    "acme,Acme Inc,pro,499,carl@example.com,Ana Lima,ana@acme.example,yes",
    "globex,Globex,starter,49,,Bo Chen,bo@globex.example,yes",
)


def test_an_import_creates_accounts_with_owner_and_primary_contact(csm):
    report = import_accounts(content=GOOD)

    assert [r.outcome for r in report.rows] == ["created", "created"]
    acme = Account.objects.get(external_id="acme")
    assert (acme.name, acme.plan, acme.mrr, acme.owner) == ("Acme Inc", "pro", 499, csm)
    assert acme.contacts.get().is_primary
    assert AccountEvent.objects.filter(account=acme, cause_kind="import").exists()


def test_importing_the_same_file_again_changes_nothing(csm):
    import_accounts(content=GOOD)
    events = AccountEvent.objects.count()

    report = import_accounts(content=GOOD)

    assert [r.outcome for r in report.rows] == ["unchanged", "unchanged"]
    assert AccountEvent.objects.count() == events
    assert Contact.objects.count() == 2


def test_a_changed_row_updates_the_account(csm):
    import_accounts(content=GOOD)

    report = import_accounts(content=csv("acme,Acme Group,business,999,,,,"))

    assert report.rows[0].outcome == "updated"
    acme = Account.objects.get(external_id="acme")
    assert (acme.name, acme.plan, acme.mrr) == ("Acme Group", "business", 999)


def test_bad_rows_are_reported_with_their_line_and_the_good_ones_imported(csm):
    report = import_accounts(
        content=csv(
            "good,Good Co,pro,10,,,,",
            ",No Id,pro,10,,,,",
            "badplan,Bad Plan,platinum,10,,,,",
            "badmrr,Bad MRR,pro,-5,,,,",
            "badowner,Bad Owner,pro,10,nobody@example.com,,,",
            "bademail,Bad Email,pro,10,,Cy,not-an-email,yes",
        )
    )

    errors = {row.line: row.message for row in report.errors}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "external id" in errors[3]
    assert "platinum" in errors[4]
    assert "negative" in errors[5]
    assert "nobody@example.com" in errors[6]
    assert list(Account.objects.values_list("external_id", flat=True)) == ["good"]


def test_a_preview_reports_and_writes_nothing(csm):
    report = import_accounts(content=GOOD, apply=False)

    assert report.summary() == "2 rows: 2 created, 0 updated, 0 unchanged, 0 error (preview)"
    assert Account.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"name,plan\nAcme,pro\n", r"Missing column\(s\): external_id"),
        (b"external_id,name,colour\nx,X,red\n", r"Unknown column\(s\): colour"),
        ("external_id,name\nx,Café\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_an_unreadable_file_is_refused_whole(content, message):
    with pytest.raises(ImportFileError, match=message):
        import_accounts(content=content)
    assert Account.objects.count() == 0


def test_the_command_imports_and_reports(tmp_path, csm):
    path = tmp_path / "accounts.csv"
    path.write_bytes(GOOD)
    out = StringIO()

    call_command("import_accounts", str(path), stdout=out)

    assert "2 created" in out.getvalue()
    assert Account.objects.count() == 2


def test_a_manager_previews_then_imports_in_the_admin(client, manager, csm):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    url = reverse("admin:accounts_account_import")

    preview = client.post(url, {"file": SimpleUploadedFile("a.csv", GOOD, "text/csv")})
    assert preview.status_code == 200
    assert Account.objects.count() == 0
    content = preview.context["content"]

    done = client.post(url, {"content": content, "confirm": "1"})

    assert done.status_code == 200
    assert "Imported: 2 rows: 2 created" in done.content.decode()
    assert Account.objects.count() == 2


def test_a_csm_cannot_import(client, csm):
    csm.is_staff = True
    csm.save()
    client.force_login(csm)
    assert client.get(reverse("admin:accounts_account_import")).status_code == 403


def test_a_row_without_plan_or_mrr_keeps_the_accounts_own(csm):
    import_accounts(content=csv("acme,Acme Inc,pro,499,,,,"))

    report = import_accounts(
        content=b"external_id,name,contact_email\nacme,Acme Inc,ana@acme.example\n"
    )

    acme = Account.objects.get(external_id="acme")
    assert (acme.plan, acme.mrr) == ("pro", 499)
    assert report.rows[0].outcome == "updated"  # the contact was added


def test_a_malformed_csv_is_refused_whole():
    huge = b"external_id,name\nx," + b'"' + b"y" * 200_000 + b'"\n'
    with pytest.raises(ImportFileError, match="Line"):
        import_accounts(content=huge)
