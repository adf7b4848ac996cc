"""In a real browser: a CSM opens Alert settings from the user menu and chooses a digest."""

import pytest
from playwright.sync_api import expect

from accounts.models import StaffProfile
from accounts.roles import CSM
from notifications.models import AlertPreference
from tests.browser.conftest import BROWSER_DB
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_csm_chooses_an_hourly_digest_and_a_timezone(log_in, page, screenshot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    csm = UserFactory(username="carl", first_name="Carl", last_name="Success", roles=[CSM])
    log_in(csm)

    if width < 992:
        page.get_by_role("button", name="Menu").click()
        # The menu slides open; a click on the user menu while it moves is lost.
        expect(page.locator("#nav.collapse.show")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("user-menu")).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name="Alert settings").click()

    expect(page.get_by_role("heading", name="Alert settings")).to_be_visible()
    expect(page.get_by_label("Feature not used")).to_have_value("daily")
    expect(page.get_by_test_id("alert-settings")).to_contain_text("Always at once")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(f"alert-settings-{width}")

    page.get_by_label("New account signed up").select_option("hourly")
    page.get_by_test_id("timezone").select_option("Europe/Berlin")
    page.get_by_test_id("save-alert-settings").click()

    expect(page.get_by_role("alert")).to_contain_text("Alert settings saved.")
    expect(page.get_by_label("New account signed up")).to_have_value("hourly")
    assert AlertPreference.objects.get(user=csm).delivery == "hourly"
    assert StaffProfile.objects.get(user=csm).timezone == "Europe/Berlin"
    screenshot(f"alert-settings-saved-{width}")
