"""In a real browser: an admin reads what the development backends kept, on a desk and a phone."""

import pytest
from playwright.sync_api import expect

from accounts.roles import ADMIN
from core.causes import Cause
from notifications import mail_folder
from notifications.services import queue_customer_message
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def kept_mail(settings, tmp_path):
    """A receipt e-mail and a reminder SMS, sent through the outbox to the development backends."""
    settings.EMAIL_BACKEND = mail_folder.EMAIL_BACKEND
    settings.SMS_BACKEND = "console"
    settings.DEV_MAIL_DIR = tmp_path / "mail"
    account = AccountFactory(name="Acme Rockets")
    ContactFactory(account=account, name="Jordan Lee", email="jordan@acme.example")
    for template_key, cause_key, data in [
        ("e1-payment-receipt", "payment:in_7", {"amount": "99.00", "currency": "USD"}),
        ("f1-reminder-day-sms", "appointment:7:day", {"starts_at": "Tue 10:00"}),
    ]:
        queue_customer_message(
            account=account,
            template_key=template_key,
            cause_key=cause_key,
            cause=Cause.by_system(),
            data={"invoice_id": "in_7", "appointment_kind": "Success session", **data},
        )
    assert len(mail_folder.newest_first()) == 2  # delivered on commit (tasks run inline)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_an_admin_opens_development_mail_from_the_admin_and_reads_a_message(
    log_in, page, kept_mail, screenshot, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    log_in(UserFactory(username="ada", roles=[ADMIN]))

    page.goto("/admin/")
    page.get_by_role("link", name="Development mail").click()

    listed = page.get_by_test_id("development-mail")
    expect(listed.locator("a")).to_have_count(2)
    expect(listed.locator("a").first).to_contain_text("SMS")  # the newest first
    expect(listed).to_contain_text("jordan@acme.example")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"development-mail-{width}")

    listed.locator("a", has_text="jordan@acme.example").click()
    expect(page.get_by_test_id("mail-recipient")).to_have_text("jordan@acme.example")
    expect(page.get_by_test_id("mail-text")).to_contain_text("99.00")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"development-mail-message-{width}")
