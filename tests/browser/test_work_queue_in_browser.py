"""In a real browser: a CSM works a signal from My day to done (a call logged, a template
e-mail sent, closed with an outcome), each in place, and the outcome is on the timeline."""

import pytest
from playwright.sync_api import expect

from core.causes import Cause
from notifications.models import Message
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
    ContactFactory(account=account, name="Ana Lima", email="ana@dropping.example")
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

    page.evaluate("window.notReloaded = true")  # each action answers in place (htmx)
    row.get_by_test_id("action-log").click()
    row.get_by_test_id("log-summary").fill("Their admin left; usage paused for a week.")
    row.get_by_test_id("log-outcome").fill("New admin named")
    row.get_by_test_id("log-next-step").fill("Send the admin guide")
    screenshot(f"work-queue-log-{width}")
    row.get_by_test_id("log-save").click()
    row = page.get_by_test_id("signal-row")
    expect(row.get_by_test_id("signal-note")).to_contain_text("Call logged on Dropping Dynamics")
    expect(row.get_by_test_id("signal-next-step")).to_contain_text("Send the admin guide")

    row.get_by_test_id("action-email").click()
    row.get_by_test_id("email-template").select_option(label="Testimonial request")
    row.get_by_test_id("email-preview").click()
    expect(row.get_by_test_id("email-to")).to_have_text("Ana Lima <ana@dropping.example>")
    expect(row.get_by_test_id("email-body")).to_contain_text("Hi Ana,")
    screenshot(f"work-queue-email-{width}")
    row.get_by_test_id("email-send").dblclick()  # a double click sends once
    expect(row.get_by_test_id("signal-note")).to_contain_text("queued for Ana Lima")

    row.get_by_test_id("action-close").click()
    row.get_by_test_id("close-outcome").select_option("Saved")
    row.get_by_test_id("close-save").click()
    expect(page.get_by_test_id("signal-row-left")).to_contain_text("closed: Saved")
    expect(page.get_by_test_id("signal-row")).to_have_count(0)
    expect(page.get_by_test_id("queue-count")).to_have_text("0")
    screenshot(f"work-queue-closed-{width}")
    assert page.evaluate("window.notReloaded === true")
    assert Message.objects.filter(account=account).count() == 1

    page.goto(f"{live_server.url}/accounts/{account.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Signal “Usage dropped” done — outcome: Saved")
    expect(timeline).to_contain_text("Call by")
    screenshot(f"work-queue-timeline-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert Signal.objects.get().status == SignalStatus.DONE
    assert set(Touch.objects.values_list("kind", flat=True)) == {"call", "email"}
