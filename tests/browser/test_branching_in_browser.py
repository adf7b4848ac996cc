"""In a real browser: a run that took a decision's path shows it in the run log, and a
workflow with a goal shows its conversion; at 1440 and 390 px, screenshot each."""

import pytest
from playwright.sync_api import expect

from accounts.models import Plan
from accounts.services import change_plan
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory
from workflows.models import Run, Step, Workflow
from workflows.services import publish

pytestmark = [pytest.mark.browser, BROWSER_DB]

DECISION = {
    "paths": [
        {
            "name": "Moved to Pro",
            "conditions": [{"subject": "data.to_plan", "operator": "eq", "value": "Pro"}],
            "steps": [{"action": "add_tag", "params": {"tag": "Pro path"}}],
        }
    ],
    "otherwise": [{"action": "add_tag", "params": {"tag": "Other path"}}],
}


@pytest.mark.parametrize("width", [1440, 390])
def test_the_run_log_shows_the_path_a_decision_took_and_the_goal_its_conversion(
    log_in, manager, screenshot, width
):
    Workflow.objects.update(is_active=False)
    workflow = Workflow.objects.create(
        key="two-paths", name="Two paths", trigger="plan_changed", goal={"event": "login_recorded"}
    )
    Step.objects.create(workflow=workflow, position=0, action="decision", params=DECISION)
    Step.objects.create(workflow=workflow, position=1, action="add_tag", params={"tag": "Done"})
    publish(workflow=workflow)
    account = AccountFactory(name="Branch Co", owner=manager)
    change_plan(account=account, plan=Plan.PRO, cause=Cause.by_api("billing"))
    run = Run.objects.get(workflow=workflow)

    page = log_in(manager)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/workflows/runs/{run.pk}/")
    steps = page.get_by_test_id("steps")
    expect(steps).to_contain_text("Took “Moved to Pro”: data.to_plan eq Pro: saw 'Pro'.")
    expect(steps).to_contain_text("on “Moved to Pro”")
    expect(steps).to_contain_text("not on the path taken")
    expect(page.get_by_test_id("step-number")).to_have_text(["1", "1.1.1", "1.2.1", "2"])
    screenshot(f"run-decision-{width}")

    page.goto(f"/workflows/{workflow.pk}/")
    expect(page.get_by_test_id("conversion")).to_contain_text("0 of 1 run reached the goal")
    screenshot(f"workflow-goal-{width}")
