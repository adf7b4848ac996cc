"""The account page in a real browser, as a CSM, at desktop and phone width.

Walks the inline actions (tag, stage, contact, task) through htmx, the timeline's
filter and "load older", and checks that a 200-character word wraps instead of
widening the page. Screenshots: test-artifacts/screenshots/account-page-*.png.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from activity.services.logins import record_login
from core import clock
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB, PASSWORD, SCREENSHOTS
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]

LONG_WORD = "x" * 180  # with its prefix within 200-character columns (PostgreSQL enforces)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"page is {width}px wide in a {viewport}px window"


@pytest.mark.parametrize("width", [1440, 390])
def test_a_csm_works_an_account_from_its_page(log_in, csm, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    account = AccountFactory(name=f"Acme {LONG_WORD}", owner=csm)
    ContactFactory(account=account, name="Ana Lima", email="ana@acme.example")
    for n in range(60):
        record_login(account=account, cause=Cause.by_api(),
                     occurred_at=clock.now() - timedelta(hours=n + 1))  # fmt: skip
    log_in(csm)
    page.goto(f"/accounts/{account.pk}/")
    _no_sideways_scroll(page)

    page.fill("#id_tag_name", f"Key {LONG_WORD[:60]}")
    page.click("[data-testid=tag-form] button[type=submit]")
    expect(page.get_by_test_id("account-tags")).to_contain_text("Key")

    page.select_option("[data-testid=pipeline-subscription] select", label="Subscription Failed")
    page.click("[data-testid=pipeline-subscription] button[type=submit]")
    expect(page.get_by_test_id("timeline")).to_contain_text("Moved to")

    page.click("[data-testid=contact-add-panel] summary")
    page.fill("#id_new-contact-name", "Bo Chen")
    page.fill("#id_new-contact-phone", "0415 555")  # not E.164: the server refuses it
    page.click("[data-testid=contact-add-form] button[type=submit]")
    expect(page.locator("[data-testid=contact-add-form]")).to_contain_text("is not in E.164 form")
    page.fill("#id_new-contact-phone", "+14155550100")
    page.fill("#id_new-contact-email", "bo@acme.example")
    page.click("[data-testid=contact-add-form] button[type=submit]")
    expect(page.get_by_test_id("contacts")).to_contain_text("Bo Chen")

    page.click("[data-testid=task-panel] summary")
    page.fill("#id_task-title", f"Call about {LONG_WORD}")
    page.click("[data-testid=task-form] button[type=submit]")
    expect(page.get_by_test_id("timeline")).to_contain_text("Task: Call about")

    page.uncheck("[data-testid=timeline-filters] input[value=changes]")  # htmx swaps the feed
    expect(page.get_by_test_id("timeline")).not_to_contain_text("Moved to")
    expect(page.get_by_test_id("timeline")).to_contain_text("Task: Call about")
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/\?type=customer&type=messages"))
    page.goto(f"/accounts/{account.pk}/?type=customer")  # the card fetches its items
    expect(page.get_by_test_id("timeline-item")).to_have_count(50)
    expect(page.get_by_test_id("timeline")).not_to_contain_text("Task: Call about")
    page.get_by_test_id("timeline-older").click()
    expect(page.get_by_test_id("timeline-item")).to_have_count(60)

    _no_sideways_scroll(page)
    screenshot(f"account-page-csm-{width}")


@pytest.mark.parametrize("width", [1440, 390])
def test_without_javascript_the_timeline_opens_as_its_own_page(browser, live_server, csm, width):
    account = AccountFactory(name="Nojs Co", owner=csm)
    for n in range(55):
        record_login(account=account, cause=Cause.by_api(),
                     occurred_at=clock.now() - timedelta(hours=n + 1))  # fmt: skip
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": width, "height": 900})  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login/")
    page.fill("#id_username", csm.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")

    page.goto(f"/accounts/{account.pk}/")
    expect(page.get_by_test_id("timeline-item")).to_have_count(0)
    page.get_by_role("link", name="open the timeline on its own page").click()
    expect(page.get_by_test_id("timeline-item")).to_have_count(50)
    page.uncheck("[data-testid=timeline-filters] input[value=changes]")
    page.click("[data-testid=timeline-filters] button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/accounts/{account.pk}/timeline/\?type=customer"))
    page.get_by_test_id("timeline-older").click()
    expect(page.get_by_test_id("timeline-item")).to_have_count(5)
    _no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"account-timeline-nojs-{width}.png"), full_page=True)
    context.close()
