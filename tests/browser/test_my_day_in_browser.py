"""In a real browser: My day at 1440 and 390 px, inline Done, the navbar search."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.services import change_health_status
from activity.models import TaskStatus
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def _my_book(csm, manager):
    risky = AccountFactory(name="Risky Rockets", owner=csm, mrr=4700)
    change_health_status(account=risky, status="struggling", cause=Cause.by_user(manager))
    AccountFactory(name="Fine Foods", owner=csm, mrr=300, health_status="healthy")
    ContactFactory(account=risky, name="Ana Lima", email="ana@rockets.example")
    task, _ = create_task(
        account=risky,
        title="Call about the failed rollout",
        source="staff",
        assignee=csm,
        due_at=clock.now() - timedelta(hours=3),
        cause=Cause.by_system(),
    )
    return risky, task


@pytest.mark.parametrize("width", [1440, 390])
def test_my_day_shows_my_book_and_done_closes_a_task(log_in, page, csm, manager, screenshot, width):
    risky, task = _my_book(csm, manager)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(csm)

    expect(page.get_by_test_id("kpi-mrr")).to_contain_text("$5,000")
    expect(page.get_by_test_id(f"at-risk-{risky.pk}")).to_contain_text("Health: Struggling")
    expect(page.get_by_test_id("overdue-count")).to_have_text("1")
    expect(page.locator("canvas[data-drawn=true]")).to_have_count(4)
    if width == 390:
        expect(page.get_by_test_id("inbox-link")).to_be_visible()  # outside the collapsed menu
    screenshot(f"my-day-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_test_id(f"my-task-done-{task.pk}").click()

    expect(page.get_by_test_id("task-done-note")).to_contain_text("is done")
    expect(page.get_by_test_id("overdue-count")).to_have_text("0")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE

    page.get_by_test_id("kpi-struggling").click()
    page.wait_for_url(f"**/accounts/?owner={csm.pk}&lifecycle=active&health_status=struggling")


def test_slash_focuses_the_search_and_the_dropdown_opens_the_account(
    log_in, page, csm, manager, screenshot
):
    risky, _ = _my_book(csm, manager)
    log_in(csm)

    page.keyboard.press("/")
    expect(page.get_by_test_id("search-input")).to_be_focused()
    page.keyboard.type("lima")
    dropdown = page.get_by_test_id("search-dropdown")
    expect(dropdown).to_contain_text("Ana Lima")
    expect(dropdown).to_contain_text("Contact at Risky Rockets")
    screenshot("search-dropdown")

    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=lima")
    expect(page.get_by_test_id("search-contacts")).to_contain_text("Ana Lima")
    screenshot("search-results")
    page.get_by_test_id("search-contacts").get_by_text("Ana Lima").click()
    page.wait_for_url(f"**/accounts/{risky.pk}/")
