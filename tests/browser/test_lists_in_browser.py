"""In a real browser at 1440 and 390 px: the account list and the task list as a CSM uses them.

Headers sort and reverse, the filters read as people do, long unbroken words wrap, and on a
phone each list is a stack of cards with its filters behind a button and Done on screen.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import Account
from accounts.services import add_tag
from activity.services.tasks import create_task
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]

LONG_WORD = "x" * 180  # with its prefix within 200-character columns (PostgreSQL enforces)
PASTED_URL = "https://example.com/" + "a-very-long-path-segment" * 8

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width} px wide"


def _portfolio(csm) -> Account:
    AccountFactory(name="Alpha Analytics", owner=csm, score=10)
    AccountFactory(name="Beta Bakery", owner=csm, score=30)
    return AccountFactory(name=f"Gamma {LONG_WORD}", owner=csm, score=20)


def test_a_csm_sorts_and_filters_the_account_list_at_desktop_width(log_in, csm, screenshot):
    _portfolio(csm)
    page = log_in(csm)
    page.set_viewport_size(DESKTOP)
    page.goto("/accounts/")

    page.get_by_test_id("sort-score").click()
    expect(page.get_by_test_id("sort-score")).to_contain_text("↓")
    first = page.locator("[data-testid=account-table] tbody tr").first
    expect(first).to_contain_text("Beta Bakery")
    page.get_by_test_id("sort-score").click()
    expect(page.get_by_test_id("sort-score")).to_contain_text("↑")
    expect(first).to_contain_text("Alpha Analytics")
    assert page.url.count("sort=") == 1

    filters = page.locator("#account-filters")
    expect(filters).not_to_contain_text("[invalid name]")
    expect(filters).not_to_contain_text("---------")
    expect(page.locator("#id_payment_failed option").first).to_have_text("Any")
    expect(page.locator("#id_owner")).to_contain_text(csm.get_full_name())
    _no_horizontal_scroll(page)
    screenshot("account-list-1440")


def test_on_a_phone_the_account_list_is_cards_with_filters_behind_a_button(log_in, csm, screenshot):
    tagged = _portfolio(csm)
    add_tag(account=tagged, tag="Key account", cause=Cause.by_system())
    untagged = Account.objects.get(name="Alpha Analytics")
    page = log_in(csm)
    page.set_viewport_size(PHONE)
    page.goto("/accounts/")

    # A card shows a Tags line only when the account has tags.
    expect(page.get_by_test_id(f"tags-{tagged.pk}")).to_contain_text("Key account")
    expect(page.get_by_test_id(f"tags-{untagged.pk}")).to_be_hidden()

    expect(page.locator("#account-filters")).to_be_hidden()
    first_row = page.locator("[data-testid=account-table] tbody tr").first
    assert first_row.bounding_box()["y"] < 400  # the first account, not a wall of filters
    _no_horizontal_scroll(page)
    screenshot("account-list-390")

    page.get_by_test_id("toggle-filters").click()
    expect(page.locator("#account-filters")).to_be_visible()
    page.select_option("#id_payment_failed", "false")
    expect(page.get_by_test_id("result-count")).to_have_text("3 accounts")
    screenshot("account-list-390-filters")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440", "390"])
def test_a_csm_marks_a_long_titled_task_done_without_scrolling_sideways(
    log_in, csm, screenshot, viewport
):
    account = AccountFactory(name="Acme", owner=csm)
    task, _ = create_task(
        account=account,
        title=LONG_WORD,
        details=f"Call about {PASTED_URL}",
        source="staff",
        assignee=csm,
        cause=Cause.by_user(csm),
    )
    page = log_in(csm)
    page.set_viewport_size(viewport)
    page.goto("/tasks/")

    done = page.get_by_test_id(f"task-done-{task.pk}")
    expect(done).to_be_in_viewport()
    box = done.bounding_box()
    assert box["x"] + box["width"] <= viewport["width"]
    _no_horizontal_scroll(page)
    screenshot(f"tasks-{viewport['width']}")
    done.click()
    expect(page.get_by_test_id(f"task-status-{task.pk}")).to_have_text("Done")
