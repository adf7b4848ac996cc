"""Edit a live workflow, review the draft (diff, impact), simulate it, publish it: in a
real browser at desktop and phone width.

Screenshots: test-artifacts/screenshots/draft-review-*.png.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_DB
from workflows.models import Workflow

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_reviews_and_publishes_a_draft(log_in, manager, page, screenshot, width):
    page.set_viewport_size({"width": width, "height": 900})
    workflow = Workflow.objects.get(key="e2-payment-failed")
    log_in(manager)
    page.goto(f"/workflows/{workflow.pk}/")

    page.get_by_test_id("step").first.locator("input[name$='-tag']").fill("Card Declined")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_text("Saved as a draft")).to_be_visible()
    expect(page.get_by_test_id("changes")).to_contain_text(
        "Step 1 (Add tag): tag Payment Failed → Card Declined."
    )
    expect(page.get_by_test_id("impact")).to_contain_text("would enter today")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate(
        "window.innerWidth"
    )
    screenshot(f"draft-review-{width}")
    assert workflow.versions.count() == 1

    page.get_by_test_id("publish").click()

    expect(page.get_by_text("Published: new runs use version 2")).to_be_visible()
    page.get_by_test_id("versions-link").click()
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_test_id("compared")).to_contain_text("From version 1 to version 2")
    screenshot(f"draft-versions-{width}")
    workflow.refresh_from_db()
    assert workflow.current_version.steps[0]["params"] == {"tag": "Card Declined"}
