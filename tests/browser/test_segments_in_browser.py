"""In a real browser at 1440 and 390 px: a CSM saves the filtered account list as a segment,
then starts a playbook for one of their accounts from its page, with a note."""

import pytest
from playwright.sync_api import expect

from accounts.models import Plan, Segment
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory
from workflows.models import Step, Workflow
from workflows.services import publish
from workflows.triggers.manual import MANUAL

pytestmark = [pytest.mark.browser, BROWSER_DB]

VIEWPORTS = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width} px wide"


@pytest.mark.parametrize("size", VIEWPORTS)
def test_a_csm_saves_a_segment_and_starts_a_playbook_for_one_account(log_in, csm, screenshot, size):
    acme = AccountFactory(name="Acme Rockets", owner=csm, plan=Plan.PRO)
    AccountFactory(name="Beta Bakery", owner=csm, plan=Plan.FREE)
    workflow = Workflow.objects.create(key="qbr-prep", name="QBR preparation", trigger=MANUAL)
    Step.objects.create(workflow=workflow, position=0, action="add_tag", params={"tag": "QBR due"})
    publish(workflow=workflow)
    page = log_in(csm)
    page.set_viewport_size(VIEWPORTS[size])

    page.goto("/accounts/?plan=pro")
    page.get_by_test_id("save-segment-toggle").click()
    page.fill("#segment-name", "Pro accounts")
    page.check("#segment-shared")
    page.get_by_role("button", name="Save these filters").click()
    expect(page.get_by_role("alert").first).to_contain_text("Segment “Pro accounts” saved.")
    table = page.get_by_test_id("account-table")
    expect(table).to_contain_text("Acme Rockets")
    expect(table).not_to_contain_text("Beta Bakery")
    segment = Segment.objects.get()
    assert (segment.filters, segment.is_shared) == ({"plan": "pro"}, True)
    _no_horizontal_scroll(page)
    screenshot(f"segment-saved-{size}")

    page.get_by_test_id("segments-link").click()
    expect(page.get_by_test_id("segment-count").first).to_have_text("1")
    screenshot(f"segment-list-{size}")

    page.goto(f"/accounts/{acme.pk}/")
    page.get_by_text("Start playbook…").click()
    page.select_option("#id_playbook-playbook", label="QBR preparation")
    page.fill("#id_playbook-note", "Renewal in March")
    page.get_by_role("button", name="Start playbook").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "“QBR preparation” started for Acme Rockets."
    )
    expect(page.locator("main")).to_contain_text("QBR due")  # the playbook's tag, already
    run = workflow.runs.get()
    assert run.event.data["note"] == "Renewal in March"
    _no_horizontal_scroll(page)
    screenshot(f"playbook-started-{size}")
