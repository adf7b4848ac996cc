"""Simulate from the workflow editor in a real browser, at desktop and phone width.

Screenshots: test-artifacts/screenshots/simulation-*.png.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from activity.services.logins import record_login
from core import clock
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory
from workflows.models import Workflow

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_simulates_a_workflow_from_its_editor(log_in, manager, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    account = AccountFactory(name="Acme Rockets")
    ContactFactory(account=account, email="ana@acme.example", is_primary=True)
    record_login(account=account, cause=Cause.by_api(), occurred_at=clock.now() - timedelta(days=3))
    workflow = Workflow.objects.get(key="d1-inactive")
    log_in(manager)
    page.goto(f"/workflows/{workflow.pk}/")

    page.click("[data-testid=simulate-link]")
    page.fill("#id_account", str(account.pk))
    page.fill("#id_days", "10")
    page.click("[data-testid=simulate-run]")

    expect(page.get_by_test_id("simulation-summary")).to_contain_text("Acme Rockets")
    expect(page.get_by_test_id("sent-count")).to_contain_text("1 message")
    page.locator("[data-testid=sim-message] summary").first.click()
    expect(page.locator("[data-testid=sim-message]").first).to_contain_text("ana@acme.example")
    width_now = page.evaluate("document.documentElement.scrollWidth")
    assert width_now <= page.evaluate("window.innerWidth")
    screenshot(f"simulation-{width}")
