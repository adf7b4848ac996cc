"""The import pages in the admin: upload, the job's progress and report, who may import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Account
from imports.models import ImportJob, ImportMode

pytestmark = pytest.mark.django_db

GOOD = b"external_id,name,plan\nacme,Acme Inc,pro\nglobex,Globex,platinum\n"


@pytest.fixture
def staff_manager(client, manager):
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    return manager


def upload(client, content: bytes, mode=ImportMode.PREVIEW, **extra):
    return client.post(
        reverse("admin:imports_importjob_add"),
        {"file": SimpleUploadedFile("book.csv", content, "text/csv"), "mode": mode, **extra},
    )


def test_a_manager_previews_then_imports_from_the_job_page(client, staff_manager, deliver):
    response = deliver(lambda: upload(client, GOOD))

    preview = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:imports_importjob_change", args=[preview.pk])
    page = client.get(response["Location"]).content.decode()
    assert "2 of 2 rows would be: 1 created, 0 updated, 0 unchanged, 1 error" in page
    assert "Unknown plan" in page
    assert "platinum" in page
    assert Account.objects.count() == 0

    applied = deliver(
        lambda: client.post(reverse("admin:imports_importjob_apply", args=[preview.pk]))
    )

    job = ImportJob.objects.get(mode=ImportMode.APPLY)
    assert applied["Location"] == reverse("admin:imports_importjob_change", args=[job.pk])
    assert list(Account.objects.values_list("external_id", flat=True)) == ["acme"]
    fragment = client.get(reverse("admin:imports_importjob_progress", args=[job.pk]))
    assert "Finished" in fragment.content.decode()


def test_a_running_job_page_polls_its_progress(client, staff_manager):
    # Not delivered: no worker has picked the job up yet.
    upload(client, GOOD, mode=ImportMode.APPLY)
    job = ImportJob.objects.get()

    page = client.get(reverse("admin:imports_importjob_change", args=[job.pk])).content.decode()

    assert "Waiting for a worker" in page
    assert 'hx-trigger="every 1s"' in page


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The submitted file is empty"), (b"external_id,name\n", "no rows to import")],
)
def test_an_empty_file_shows_an_error_and_starts_nothing(client, staff_manager, content, message):
    response = upload(client, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_csm_cannot_import(client, csm):
    csm.is_staff = True
    csm.save()
    client.force_login(csm)

    assert client.get(reverse("admin:imports_importjob_add")).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert not ImportJob.objects.exists()
