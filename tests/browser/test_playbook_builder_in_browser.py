"""In a real browser: a manager builds a two-path playbook in the builder (Add, a path
more, typed fields, a drag), starts it for one account and reads the path taken in the
run log; at 1440 and 390 px, screenshot each."""

import pytest
from playwright.sync_api import expect

from accounts.models import Plan
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory
from workflows.models import Run, Workflow
from workflows.services import publish

pytestmark = [pytest.mark.browser, BROWSER_DB]


def add_step(area, kind: str) -> None:
    """Choose a kind in this list's Add and press it (the page redraws)."""
    adder = area.locator(".builder-add").last
    adder.locator("select").select_option(label=kind)
    adder.get_by_test_id("add-step").click()


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_builds_a_two_path_playbook_and_runs_it_for_one_account(
    log_in, manager, screenshot, width
):
    workflow = Workflow.objects.create(key="plan-paths", name="Plan paths", trigger="manual")
    publish(workflow=workflow)
    account = AccountFactory(name="Pathway Co", owner=manager, plan=Plan.PRO)

    page = log_in(manager)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/workflows/{workflow.pk}/")
    steps = page.get_by_test_id("steps")
    add_step(steps, "Add tag")
    steps.get_by_test_id("step").last.locator("input[name$='-tag']").fill("Built")
    add_step(steps, "Decision")
    expect(page.get_by_test_id("path")).to_have_count(1)
    page.get_by_test_id("add-path").click()
    paths = page.get_by_test_id("path")
    expect(paths).to_have_count(2)
    for index, (name, plan, tag) in enumerate([("Pro", "pro", "Pro path"), ("Free", "free", "")]):
        path = paths.nth(index)
        path.locator("input[name$='-name']").fill(name)
        path.locator("select[name$='-subject']").select_option("account.plan")
        path.locator("select[name$='-operator']").select_option("eq")
        path.locator("input[name$='-value']").fill(plan)
        if tag:
            add_step(path, "Add tag")
            path = page.get_by_test_id("path").nth(index)
            path.locator("input[name$='-tag']").fill(tag)
    add_step(page.get_by_test_id("branch").first, "Add tag")
    page.get_by_test_id("branch").first.locator("input[name$='-tag']").fill("Other path")
    # Drag the decision above the first step: the labels follow at once.
    decision = page.locator("[data-action=decision]")
    first = steps.get_by_test_id("step").first
    decision.locator(".builder-handle").first.drag_to(first.locator(".card-header"))
    expect(page.get_by_test_id("step-label").first).to_have_text("1")
    expect(decision.get_by_test_id("step-label").first).to_have_text("1")
    screenshot(f"builder-two-paths-{width}")
    page.get_by_role("button", name="Save draft").click()  # it is live: reviewed first
    expect(page.get_by_text("Saved as a draft")).to_be_visible()
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("Published: new runs use version 2")).to_be_visible()
    version = Workflow.objects.get(pk=workflow.pk).current_version
    assert [step["action"] for step in version.steps] == ["decision", "add_tag"]
    assert [p["name"] for p in version.steps[0]["params"]["paths"]] == ["Pro", "Free"]

    page.goto(f"/accounts/{account.pk}/")
    page.get_by_text("Start playbook…").click()
    page.select_option("#id_playbook-playbook", label="Plan paths")
    page.get_by_role("button", name="Start playbook").click()
    expect(page.get_by_role("alert").first).to_contain_text("“Plan paths” started")
    run = Run.objects.get(workflow=workflow)
    page.goto(f"/workflows/runs/?workflow={workflow.pk}")
    page.locator(f"a[href='/workflows/runs/{run.pk}/']").first.click()
    log = page.get_by_test_id("steps")
    expect(log).to_contain_text("Took “Pro”")
    expect(log).to_contain_text("not on the path taken")
    screenshot(f"builder-run-log-{width}")
    assert {"Pro path", "Built"} <= set(account.tags.values_list("name", flat=True))
