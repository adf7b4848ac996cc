"""In a real browser: a manager narrows the reports to a period and an owner, clicks a number
and lands on the list of exactly that many rows, at 1440 and 390 px."""

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Plan
from accounts.services import cancel_subscription
from activity.services.payments import record_payment
from core import clock
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def _two_books(csm, manager) -> None:
    """Payment failures and a cancellation in Carl's book and in Maria's, recent and older."""
    now = clock.now()
    for number, (owner, days_ago) in enumerate(
        [(csm, 3), (csm, 20), (csm, 200), (manager, 5), (manager, 6)]
    ):
        account = AccountFactory(
            name=f"{owner.username.title()}'s customer {number}", owner=owner, plan=Plan.PRO
        )
        record_payment(
            account=account,
            external_id=f"ch_browser_{number}",
            amount=Decimal("99.00"),
            succeeded=False,
            cause=Cause.by_api("stripe"),
            occurred_at=now - timedelta(days=days_ago),
        )
        if number in (0, 3):
            cancel_subscription(account=account, cause=Cause.by_api("stripe"))


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_narrows_the_reports_and_opens_the_rows_behind_a_number(
    log_in, page, csm, manager, screenshot, width
):
    _two_books(csm, manager)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(manager)

    page.goto("/reports/")
    expect(page.get_by_test_id("report-scope")).to_contain_text("Last 12 months · All owners")
    page.select_option("#id_range", "90d")
    page.select_option("#id_owner", label=csm.get_full_name())
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/reports/?*range=90d*")
    scope = f"Last 90 days · {csm.get_full_name()}’s accounts · All plans"
    expect(page.get_by_test_id("report-scope")).to_have_text(scope)
    expect(page.locator("#id_owner option:checked")).to_have_text(csm.get_full_name())
    churn = page.locator("#report-payment-failures-churn")
    failures = churn.locator("[data-testid=report-number][data-count]")
    # Carl's book in 90 days: two failed payments (3 and 20 days ago), one cancellation.
    counts = [int(n) for n in failures.evaluate_all("links => links.map(a => a.dataset.count)")]
    assert sum(counts) == 3, counts
    churn.scroll_into_view_if_needed()
    screenshot(f"reports-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    number = failures.first
    count = number.get_attribute("data-count")
    number.click()

    page.wait_for_url("**/reports/rows/**")
    expect(page.get_by_test_id("row-count")).to_have_text(count)
    expect(page.get_by_test_id("report-row")).to_have_count(int(count))
    expect(page.get_by_test_id("report-scope")).to_have_text(scope)
    expect(page.locator("[data-testid=report-rows]")).to_contain_text("Carl's customer")
    expect(page.locator("[data-testid=report-rows]")).not_to_contain_text("Maria's customer")
    screenshot(f"report-rows-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_test_id("back-to-reports").click()
    expect(page.get_by_test_id("report-scope")).to_have_text(scope)


def test_custom_dates_the_wrong_way_round_are_a_message(log_in, page, manager, screenshot):
    log_in(manager)
    page.goto("/reports/")

    page.select_option("#id_range", "custom")
    page.fill("#id_date_from", "2025-05-01")
    page.fill("#id_date_to", "2025-04-01")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_test_id("report-problem")).to_contain_text("The To date is before")
    expect(page.locator("#id_date_from")).to_have_value("2025-05-01")
    screenshot("reports-bad-dates")
