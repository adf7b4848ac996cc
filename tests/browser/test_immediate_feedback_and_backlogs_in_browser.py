"""In a real browser, with the task worker NOT running: a manager's health change and
health-board drag show at once and survive a reload (#16 item 3); a held first-run
backlog is explained on the workflows page and the manager's choice is recorded (item 4)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core import clock
from pipelines.models import Card, Pipeline
from pipelines.services import move_card
from tests.browser.conftest import BROWSER_DB, SCREENSHOTS
from tests.factories import AccountFactory, ContactFactory
from workflows import tasks
from workflows.models import Run, SweepBacklog

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def no_worker(monkeypatch):
    """Nothing queued for the workers runs: every wake-up is dropped."""
    monkeypatch.setattr("core.queue.async_task", lambda *args, **kwargs: None)


def test_health_change_and_drag_show_at_once_without_the_worker(
    no_worker, log_in, manager, csm, screenshot
):
    from core.causes import Cause

    health = Pipeline.objects.get(key="health")
    account = AccountFactory(name="Acme Analytics", owner=csm)
    move_card(
        account=account,
        pipeline=health,
        stage=health.stages.get(name="Healthy"),
        cause=Cause.by_system(),
    )
    page = log_in(manager)

    page.goto(f"/accounts/{account.pk}/")
    page.select_option("#id_status", "struggling")
    with page.expect_navigation():  # the form's POST and its redirect, before the reload
        page.click("[data-testid=health-form] button[type=submit]")
    page.reload()
    expect(page.get_by_test_id("health")).to_contain_text("Struggling")
    expect(page.get_by_test_id("stages")).to_contain_text("Struggling")

    page.goto("/boards/health/")
    expect(page.get_by_test_id("column-Struggling")).to_contain_text("Acme Analytics")
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        page.get_by_test_id(f"card-{account.pk}").drag_to(page.get_by_test_id("column-Thriving"))
    assert moved.value.ok
    page.reload()
    expect(page.get_by_test_id("column-Thriving")).to_contain_text("Acme Analytics")
    expect(page.get_by_test_id("column-Struggling")).not_to_contain_text("Acme Analytics")
    screenshot("board-health-drag-without-worker")
    assert Card.objects.get(account=account, pipeline=health).stage.name == "Thriving"
    assert not Run.objects.exists(), "the worker really did not run"


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_decides_a_held_first_run_backlog(
    log_in, manager, csm, screenshot, settings, page, width
):
    settings.SWEEP_BACKLOG_THRESHOLD = 5
    for n in range(7):
        account = AccountFactory(owner=csm, signed_up_at=clock.now() - timedelta(days=120))
        ContactFactory(account=account, email=f"o{n}@customer.example", is_primary=True)
    tasks.run_sweep("nps_due")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(manager)

    page.goto("/workflows/")
    backlog = SweepBacklog.objects.get()
    card = page.get_by_test_id(f"backlog-{backlog.pk}")
    expect(card).to_contain_text("Held: 7 due facts from the first run of “NPS surveys”")
    expect(card).to_contain_text("nothing has been sent for them")
    screenshot(f"workflows-backlog-held-{width}")
    card.screenshot(path=str(SCREENSHOTS / f"workflows-backlog-card-{width}.png"))

    page.check(f"#ramp-{backlog.pk}")
    page.get_by_test_id("per-hour").fill("50")
    card.get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("backlog-choice")).to_contain_text(
        f"{manager.get_full_name()} chose Ramp up at 50 an hour"
    )
    screenshot(f"workflows-backlog-chosen-{width}")
    card.screenshot(path=str(SCREENSHOTS / f"workflows-backlog-card-chosen-{width}.png"))
    backlog.refresh_from_db()
    assert (backlog.choice, backlog.per_hour, backlog.chosen_by) == ("ramp", 50, manager)
