"""In a real browser: drag a kanban card, submit a task, read an alert; screenshot each page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.services import change_health_status
from activity.models import Task
from core import clock
from core.causes import Cause
from notifications.services import notify_staff
from pipelines.models import Card, Pipeline
from pipelines.services import move_card
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_a_dragged_kanban_card_stays_in_its_new_column_after_reload(log_in, csm, screenshot):
    account = AccountFactory(name="Movable Ltd", owner=csm)
    billing = Pipeline.objects.get(key="subscription")
    move_card(
        account=account,
        pipeline=billing,
        stage=billing.stages.get(name="Active Subscription"),
        cause=Cause.by_system(),
    )
    page = log_in(csm)

    page.goto("/boards/subscription/")
    card = page.get_by_test_id(f"card-{account.pk}")
    expect(page.get_by_test_id("column-Active Subscription")).to_contain_text("Movable Ltd")
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        card.drag_to(page.get_by_test_id("column-Subscription Failed"))
    assert moved.value.ok

    page.reload()
    expect(page.get_by_test_id("column-Subscription Failed")).to_contain_text("Movable Ltd")
    expect(page.get_by_test_id("column-Active Subscription")).not_to_contain_text("Movable Ltd")
    assert Card.objects.get(account=account, pipeline=billing).stage.name == "Subscription Failed"
    assert account.stage_moves.latest("created_at").cause_user == csm


def test_a_manager_drags_on_the_health_board_and_the_playbook_follows(
    log_in, manager, csm, screenshot
):
    account = AccountFactory(name="Steady Co", owner=csm)
    change_health_status(account=account, status="steady", cause=Cause.by_user(manager))
    page = log_in(manager)

    page.goto("/boards/health/")
    expect(page.get_by_test_id("column-Steady")).to_contain_text("Steady Co")
    screenshot("board-health")
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        page.get_by_test_id(f"card-{account.pk}").drag_to(page.get_by_test_id("column-Healthy"))
    assert moved.value.ok

    page.reload()
    expect(page.get_by_test_id("column-Healthy")).to_contain_text("Steady Co")
    account.refresh_from_db()
    assert account.health_status == "healthy"
    assert "Healthy" in account.tags.values_list("name", flat=True)


def test_a_csm_submits_a_task_and_completes_it(log_in, csm, screenshot):
    account = AccountFactory(name="Taskful Inc", owner=csm, external_id="taskful")
    page = log_in(csm)

    page.goto("/tasks/new/")
    page.fill("[name=account]", "taskful")
    page.fill("[name=title]", "Prepare the QBR deck")
    page.fill("[name=details]", "Usage, NPS and next quarter's goals")
    page.select_option("[name=priority]", "high")
    due = clock.now().astimezone() + timedelta(days=2)
    due_input = page.locator("[name=due_at]")
    if due_input.get_attribute("type") == "datetime-local":
        due_input.fill(due.strftime("%Y-%m-%dT%H:%M"))
    else:
        due_input.fill(due.strftime("%Y-%m-%d %H:%M"))
    screenshot("task-form")
    page.get_by_test_id("task-form").locator("button[type=submit]").click()

    task = Task.objects.get(title="Prepare the QBR deck")
    assert (task.account, task.source, task.priority) == (account, "staff", "high")
    page.goto("/tasks/")
    expect(page.get_by_test_id(f"task-row-{task.pk}")).to_contain_text("Prepare the QBR deck")
    screenshot("tasks")
    page.get_by_test_id(f"task-done-{task.pk}").click()
    expect(page.get_by_test_id(f"task-status-{task.pk}")).to_contain_text("Done")
    task.refresh_from_db()
    assert task.status == "done"


def test_an_alert_is_marked_read_from_the_inbox(log_in, csm, screenshot):
    account = AccountFactory(name="Alerting Co", owner=csm)
    [message] = notify_staff(
        account=account,
        template_key="a1-new-account",
        cause_key="browser:1",
        cause=Cause.by_system(),
        rule="owner",
    )
    from notifications.delivery import deliver

    deliver(message.pk)
    alert = message.alert
    page = log_in(csm)
    expect(page.get_by_test_id("unread-count")).to_have_text("1")

    page.click("[data-testid=inbox-link]")
    expect(page.get_by_test_id(f"alert-{alert.pk}")).to_contain_text("Alerting Co")
    screenshot("inbox")
    page.get_by_test_id(f"mark-read-{alert.pk}").click()

    expect(page.get_by_test_id(f"alert-{alert.pk}")).to_have_attribute("data-unread", "false")
    alert.refresh_from_db()
    assert alert.read_at is not None
    page.reload()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)


def test_the_workflow_and_report_pages_render(log_in, manager, screenshot):
    AccountFactory(name="Any Co", owner=manager)
    page = log_in(manager)
    for path, name in [
        ("/workflows/", "workflows"),
        ("/workflows/runs/", "workflow-runs"),
        ("/reports/", "reports"),
        ("/boards/", "boards"),
    ]:
        response = page.goto(path)
        assert response.ok, path
        screenshot(name)
    page.goto("/workflows/")
    page.get_by_role("link", name="New account: welcome").first.click()
    expect(page.locator("body")).to_contain_text("Active SaaS")
    screenshot("workflow-edit")
