"""In a real browser at 1440 and 390 px: a CSM drags an account to Inactive on User Login
Activity; the card, its Inactive tag and the account list's Inactive filter agree."""

import pytest
from playwright.sync_api import expect

from core.causes import Cause
from pipelines.models import Card, Pipeline
from pipelines.services import move_card
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.mark.parametrize("width", [1440, 390])
def test_a_drag_to_inactive_tags_the_account_and_the_list_filter_agrees(
    log_in, csm, screenshot, width
):
    account = AccountFactory(name="Quiet Co", owner=csm)
    AccountFactory(name="Busy Co", owner=csm)
    login = Pipeline.objects.get(key="login_activity")
    move_card(
        account=account,
        pipeline=login,
        stage=login.stages.get(name="Active"),
        cause=Cause.by_system("setup"),
    )
    page = log_in(csm)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/boards/login_activity/")
    expect(page.locator("#id_owner")).to_contain_text(csm.get_full_name())

    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        page.get_by_test_id(f"card-{account.pk}").drag_to(page.get_by_test_id("column-Inactive"))
    assert moved.value.ok
    page.reload()
    column = page.get_by_test_id("column-Inactive")
    expect(column).to_contain_text("Quiet Co")
    expect(column.get_by_test_id(f"card-{account.pk}")).to_contain_text("Inactive")
    screenshot(f"board-login-activity-{width}")
    assert Card.objects.get(account=account, pipeline=login).stage.name == "Inactive"

    page.goto("/accounts/?inactive=true")
    expect(page.get_by_test_id("result-count")).to_have_text("1 account")
    expect(page.get_by_test_id("account-table")).to_contain_text("Quiet Co")
    expect(page.get_by_test_id("account-table")).not_to_contain_text("Busy Co")
