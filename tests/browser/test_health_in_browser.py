"""Health models in a real browser: a manager edits a weight, sees the new version, and the
account page shows each factor's contribution under it. 1440 and 390 px; screenshots:
test-artifacts/screenshots/health-*.png."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from activity.services.logins import record_login
from core import clock
from core.causes import Cause
from health.models import HealthModel
from health.services.snapshots import score_due_accounts
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), f"page is {width}px wide"


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_reweights_logins_and_the_account_page_explains_the_new_score(
    log_in, manager, page, screenshot, width
):
    page.set_viewport_size({"width": width, "height": 900})
    account = AccountFactory(name="Acme Health", owner=manager)
    for days in range(4):
        record_login(account=account, cause=Cause.by_api(),
                     occurred_at=clock.now() - timedelta(days=days, hours=2))  # fmt: skip
    model = HealthModel.objects.get(is_default=True)
    log_in(manager)
    page.goto(f"/health/models/{model.pk}/")
    expect(page.get_by_test_id("current-version")).to_have_text("v1")
    _no_sideways_scroll(page)
    # Logins 20 → 25, payments 25 → 20: the weights still add up to 100.
    page.fill("#id_factor-0-weight", "25")
    page.fill("#id_factor-0-points", "0:0, 1:5, 4:10, 8:18, 12:25")
    page.fill("#id_factor-3-weight", "20")
    page.fill("#id_factor-3-points", "0:20, 1:8, 2:0")
    page.fill("#id_factor-3-neutral", "15")
    screenshot(f"health-model-edit-{width}")
    page.click("[data-testid=model-form] button[type=submit]")
    expect(page.get_by_test_id("current-version")).to_have_text("v2")
    expect(page.locator(".alert")).to_contain_text("Published version 2")
    expect(page.get_by_test_id("versions")).to_contain_text("v1")

    # A bad weight is refused with the sum, and nothing is published.
    page.fill("#id_factor-0-weight", "30")
    page.fill("#id_factor-0-points", "0:0, 12:30")
    page.click("[data-testid=model-form] button[type=submit]")
    expect(page.get_by_test_id("model-errors")).to_contain_text("The weights add up to 105")
    assert model.versions.count() == 2

    score_due_accounts()
    page.goto(f"/accounts/{account.pk}/")
    contributions = page.get_by_test_id("health-contributions")
    expect(contributions).to_contain_text("Logins: 4 active days of 30 → 10/25")
    expect(contributions).to_contain_text(
        "Payments: nothing billed in the period (neutral) → 15/20"
    )
    expect(page.get_by_test_id("computed-health")).to_contain_text(
        "Scored by ‘Default health model’ v2 (the default model)"
    )
    page.get_by_test_id("computed-health").scroll_into_view_if_needed()
    _no_sideways_scroll(page)
    screenshot(f"health-account-{width}")
