"""In a real browser: a CSM works a signal from My day to done, the outcome on the timeline."""

import pytest
from playwright.sync_api import expect

from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory
from workqueue.models import Signal, SignalStatus, Touch
from workqueue.services import Found, raise_signals

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize("width", [1440, 390])
def test_a_csm_works_a_signal_from_my_day_to_done(
    log_in, page, live_server, csm, screenshot, width
):
    account = AccountFactory(name="Dropping Dynamics", owner=csm, mrr=2400)
    ContactFactory(account=account, name="Ana Lima")
    raise_signals(
        reason="usage_drop",
        found=[
            Found(
                account.pk,
                "week:1",
                {
                    "last_7_days_minutes": 40.0,
                    "weekly_median_minutes": 240.0,
                    "percent_of_median": 17,
                },
            )
        ],
        cause=Cause.by_system("usage detector"),
    )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(csm)

    row = page.get_by_test_id("signal-row")
    expect(row).to_contain_text("Usage dropped")
    expect(row).to_contain_text("Dropping Dynamics")
    expect(row.get_by_test_id("signal-why")).to_contain_text("17% of normal")
    expect(row.get_by_test_id("signal-mrr")).to_have_text("2,400 USD/mo")
    screenshot(f"work-queue-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    row.get_by_test_id("action-log").click()
    row.get_by_test_id("log-summary").fill("Their admin left; usage paused for a week.")
    row.get_by_test_id("log-outcome").fill("New admin named")
    screenshot(f"work-queue-log-{width}")
    row.get_by_test_id("log-save").click()
    expect(page.locator(".alert")).to_contain_text("Call logged on Dropping Dynamics")

    row = page.get_by_test_id("signal-row")
    row.get_by_test_id("action-close").click()
    row.get_by_test_id("close-outcome").select_option("Saved")
    row.get_by_test_id("close-save").click()
    expect(page.locator(".alert")).to_contain_text("closed: Saved")
    expect(page.get_by_test_id("signal-row")).to_have_count(0)

    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Signal “Usage dropped” done — outcome: Saved")
    expect(timeline).to_contain_text("Call by")
    screenshot(f"work-queue-timeline-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert Signal.objects.get().status == SignalStatus.DONE
    assert Touch.objects.get().signal is not None
