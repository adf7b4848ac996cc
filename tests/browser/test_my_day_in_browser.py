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


def _segment_centre(page, testid: str, index: int) -> dict:
    """Where segment `index` of a chart is on the page (Chart.js knows each element's centre)."""
    point = page.evaluate(
        """([testid, index]) => {
            const canvas = document.querySelector(`[data-testid=${testid}]`);
            const element = Chart.getChart(canvas).getDatasetMeta(0).data[index];
            const centre = element.tooltipPosition();
            const box = canvas.getBoundingClientRect();
            return {x: box.left + centre.x, y: box.top + centre.y};
        }""",
        [testid, index],
    )
    return point


@pytest.mark.parametrize("width", [1440, 390])
def test_the_charts_are_drawn_whole_and_each_segment_opens_its_list(
    log_in, page, csm, manager, screenshot, width
):
    _my_book(csm, manager)
    AccountFactory(name="Unassessed Union", owner=csm)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(csm)
    expect(page.locator("canvas[data-drawn=true]")).to_have_count(4)  # animations finished
    screenshot(f"my-day-charts-{width}")

    chart = page.get_by_test_id("chart-health")
    chart.scroll_into_view_if_needed()
    labels = page.evaluate(
        "Chart.getChart(document.querySelector('[data-testid=chart-health]')).data.labels"
    )
    point = _segment_centre(page, "chart-health", labels.index("Not assessed"))
    page.mouse.click(point["x"], point["y"])

    page.wait_for_url("**/accounts/?*health_status=none*")
    expect(page.get_by_test_id("result-count")).to_have_text("1 account")
    expect(page.get_by_test_id("account-table")).to_contain_text("Unassessed Union")


def test_with_reduced_motion_the_charts_draw_at_once(log_in, page, csm, manager):
    _my_book(csm, manager)
    page.emulate_media(reduced_motion="reduce")
    log_in(csm)

    expect(page.locator("canvas[data-drawn=true]")).to_have_count(4)
    duration = page.evaluate(
        "Chart.getChart(document.querySelector('[data-testid=chart-health]')).options.animation"
    )
    assert duration is False


def test_the_task_counts_stay_badges_beside_a_long_list_of_accounts_at_risk(
    log_in, page, csm, manager
):
    _my_book(csm, manager)
    for n in range(12):  # the at-risk card grows taller than the tasks card beside it
        account = AccountFactory(name=f"Shaky {n}", owner=csm, mrr=100 + n)
        change_health_status(account=account, status="struggling", cause=Cause.by_user(manager))
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(csm)

    expect(page.get_by_test_id("overdue-count")).to_have_text("1")
    tasks = page.get_by_test_id("my-tasks").bounding_box()
    at_risk = page.get_by_test_id("at-risk").bounding_box()
    assert tasks["height"] >= at_risk["height"]  # stretched to the row's height
    for count in ("overdue-count", "today-count"):
        assert page.get_by_test_id(count).bounding_box()["height"] < 30, count
