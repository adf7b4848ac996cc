"""In a real browser: a manager uploads a CSV and watches the worker import it."""

import pytest
from playwright.sync_api import expect

from accounts.models import Account
from imports import services
from imports.models import ImportJob
from imports.services import run_import_job
from tests.browser.conftest import BROWSER_DB

pytestmark = [pytest.mark.browser, BROWSER_DB]

BOOK = (
    "external_id,name,plan,mrr,contact_name,contact_email,contact_primary\n"
    + "".join(f"a{n},Customer {n},pro,99,Pat {n},pat{n}@customer.example,yes\n" for n in range(40))
    + "bad,Bad Co,platinum,1,,,\n"
).encode()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_manager_uploads_a_book_and_follows_its_progress(
    log_in, page, manager, screenshot, monkeypatch, tmp_path, width, height
):
    manager.is_staff = True
    manager.save()
    # No worker yet: the job waits until the test plays the worker below.
    monkeypatch.setattr(services, "enqueue_on_commit", lambda *args: None)
    page.set_viewport_size({"width": width, "height": height})
    log_in(manager)
    book = tmp_path / "book.csv"
    book.write_bytes(BOOK)

    page.goto("/admin/accounts/account/")
    page.click("text=Import CSV")
    page.set_input_files("#id_file", str(book))
    page.check("input[name=mode][value=apply]")
    page.click("input[type=submit][value=Start]")

    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Waiting for a worker")
    expect(progress).to_contain_text("0 of 41 rows")
    screenshot(f"import-waiting-{width}")

    run_import_job(ImportJob.objects.get().pk)

    expect(progress).to_contain_text("Finished")  # htmx polled the new state
    expect(progress).to_contain_text("41 of 41 rows: 40 created, 0 updated, 0 unchanged, 1 error")
    expect(progress.locator("table")).to_contain_text("Unknown plan")
    expect(progress.locator("table")).to_contain_text("42")  # the refused row's line
    assert Account.objects.count() == 40
    screenshot(f"import-finished-{width}")
