"""In a real browser: log in, filter accounts, change a health status and see the playbook."""

import pytest
from playwright.sync_api import expect

from accounts.services import change_health_status
from core.causes import Cause
from notifications.models import Alert
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_a_csm_logs_in_and_filters_the_account_list(log_in, csm, manager, screenshot):
    down = AccountFactory(name="Downhill Ltd", owner=csm)
    change_health_status(account=down, status="struggling", cause=Cause.by_user(manager))
    AccountFactory(name="Fine Inc", owner=csm)
    page = log_in(csm)
    screenshot("dashboard")

    page.click("text=Accounts")
    expect(page.get_by_test_id("result-count")).to_have_text("2 accounts")
    page.select_option("#id_health_status", "struggling")

    expect(page.get_by_test_id("result-count")).to_have_text("1 account")
    expect(page.get_by_test_id("account-table")).to_contain_text("Downhill Ltd")
    expect(page.get_by_test_id("account-table")).not_to_contain_text("Fine Inc")
    assert "health_status=struggling" in page.url
    screenshot("account-list")


def test_a_manager_changes_health_and_sees_tag_stage_and_alert(log_in, manager, csm, screenshot):
    account = AccountFactory(name="Acme Analytics", owner=manager)
    ContactFactory(account=account, name="Ana Lima", email="ana@acme.example")
    page = log_in(manager)

    page.goto(f"/accounts/{account.pk}/")
    page.select_option("#id_status", "struggling")
    page.fill("#id_note", "Missed two calls")
    page.click("[data-testid=health-form] button[type=submit]")

    expect(page.get_by_test_id("health")).to_contain_text("Struggling")
    page.reload()  # the playbook ran after the commit
    expect(page.get_by_test_id("account-tags")).to_contain_text("Struggling")
    expect(page.get_by_test_id("stages")).to_contain_text("Struggling")
    expect(page.get_by_test_id("timeline")).to_contain_text("Health set to Struggling")
    expect(page.get_by_test_id("why")).to_contain_text("Health set to Struggling")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    assert Alert.objects.filter(user=manager).exists() or Alert.objects.exists()
    screenshot("account-page")
