"""In a real browser: a run's page (event, conditions, steps, messages) reads on a phone
as on a desk. At 390 px each step is a card with labelled lines and nothing runs past
the screen's edge; at 1440 px the steps stay a table. Screenshots of both."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from activity.services.payments import record_payment
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory
from workflows.enrollment import start_playbook
from workflows.models import Run, Step, Workflow
from workflows.services import publish

pytestmark = [pytest.mark.browser, BROWSER_DB]


def overflowing(page) -> list[str]:
    """What reaches past the window's right edge (a table, a code block), by test id or tag."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return Array.from(document.querySelectorAll("main *"))
              .filter((el) => el.getClientRects().length)
              .filter((el) => el.getBoundingClientRect().right > width + 1)
              .map((el) => el.dataset.testid || el.tagName.toLowerCase());
        }"""
    )


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_run_page_is_readable_on_a_phone_and_a_desk(log_in, manager, screenshot, width, height):
    account = AccountFactory(name="Northwind Logistics International", owner=manager, plan="pro")
    ContactFactory(account=account, email="jordan.lee@northwind-logistics.example")
    record_payment(
        account=account,
        external_id="ch_browser_1",
        amount=Decimal("99.00"),
        succeeded=False,
        failure_reason="card_declined",
        cause=Cause.by_api("stripe"),
    )
    run = Run.objects.get(workflow__key="e2-payment-failed", account=account)

    page = log_in(manager)
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/workflows/runs/{run.pk}/")

    steps = page.get_by_test_id("steps")
    expect(steps).to_contain_text("Add tag")
    expect(steps).to_contain_text("Send e-mail")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert overflowing(page) == []
    header = steps.locator("thead")
    if width < 768:
        expect(header).to_be_hidden()  # each step a card, its cells labelled
        expect(steps.locator("td[data-label=Outcome]").first).to_be_visible()
    else:
        expect(header).to_be_visible()
    screenshot(f"run-detail-{width}")

    # A decision's paths: their steps nested, still within the screen.
    page.goto(f"/workflows/runs/{branching_run(account, manager).pk}/")
    expect(page.get_by_test_id("steps")).to_contain_text("Took “Pro”")
    expect(page.get_by_test_id("steps")).to_contain_text("not on the path taken")
    assert overflowing(page) == []
    screenshot(f"run-detail-paths-{width}")


def branching_run(account, manager) -> Run:
    """A run of a two-path decision, started by hand for `account` (a Pro customer)."""
    workflow = Workflow.objects.create(key="plan-paths", name="Plan paths", trigger="manual")
    on_plan = [{"subject": "account.plan", "operator": "eq", "value": account.plan}]
    Step.objects.create(
        workflow=workflow,
        position=0,
        action="decision",
        params={
            "paths": [
                {
                    "name": "Pro",
                    "conditions": on_plan,
                    "steps": [{"action": "add_tag", "params": {"tag": "A rather long tag name"}}],
                },
                {
                    "name": "Nobody",
                    "conditions": [{"subject": "account.plan", "operator": "eq", "value": "x"}],
                    "steps": [{"action": "create_task", "params": {"title": "Call them"}}],
                },
            ],
            "otherwise": [],
        },
    )
    publish(workflow=workflow)
    Workflow.objects.filter(pk=workflow.pk).update(is_active=True)
    workflow.refresh_from_db()
    start_playbook(workflow=workflow, account=account, user=manager)
    return Run.objects.get(workflow=workflow)
