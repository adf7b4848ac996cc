"""In a real browser: a CSM copies a contact's request-form link and the link opens the form."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_csm_copies_a_contacts_request_link_and_it_opens_the_form(
    log_in, page, csm, screenshot, width, height
):
    account = AccountFactory(name="O'Brien & Sons", owner=csm)
    ContactFactory(account=account, name="Seán O'Brien", email="sean@obrien.example")
    ContactFactory(account=account, name="Ana Lima", email="ana@obrien.example", is_primary=False)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": width, "height": height})
    log_in(csm)

    page.goto(f"/accounts/{account.pk}/")
    page.get_by_test_id("show-form-links").click()

    panel = page.get_by_test_id("form-links")
    expect(panel.get_by_test_id("form-links-contact")).to_have_count(2)
    copy = panel.get_by_role("button", name="Copy Seán O'Brien's request form link")
    copy.click()
    expect(copy).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "/c/request/" in copied
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing overflows
    panel.scroll_into_view_if_needed()
    screenshot(f"account-form-links-{width}")

    page.context.clear_cookies()  # the customer has no staff login
    page.goto(urlsplit(copied).path)
    expect(page.get_by_role("heading")).to_contain_text("What can we do for O'Brien & Sons?")
