"""In a real browser: choosing "N days before/after a date" shows its fields, and saving
it with days before the renewal date publishes it; at 1440 and 390 px, screenshot each."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_DB
from workflows.models import Step, Workflow
from workflows.services import publish

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_sets_a_date_trigger_in_the_editor(log_in, manager, screenshot, width):
    workflow = Workflow.objects.create(key="renewal", name="Renewal prep", trigger="tag_added")
    Step.objects.create(workflow=workflow, position=0, action="add_tag", params={"tag": "Soon"})
    publish(workflow=workflow)

    page = log_in(manager)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/workflows/{workflow.pk}/")
    fields = page.get_by_test_id("date-trigger-fields")
    expect(fields).to_be_hidden()
    page.select_option("#id_trigger", "date_reached")
    expect(fields).to_be_visible()
    page.select_option("#id_date_field", "renewal_date")
    page.fill("#id_offset_days", "-5")
    page.select_option("#id_direction", "before")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#date-trigger-fields")).to_contain_text("Give the days as a whole")
    screenshot(f"date-trigger-refused-{width}")

    page.fill("#id_offset_days", "30")
    page.select_option("#id_late_joiners", "latest")
    page.get_by_role("button", name="Save draft").click()
    # It is on: the edit waits on the review page until the manager publishes it.
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Published: new runs use version 2")).to_be_visible()
    expect(fields).to_be_visible()
    screenshot(f"date-trigger-{width}")
    workflow.refresh_from_db()
    assert workflow.current_version.trigger_params["days"] == 30
