"""In a real browser, each role walks every page its navbar offers, at 1440 and 390 px.

A manager, a CSM and an affiliate manager open My day, the lists, a board, an
account, the inbox, the workflows and reports where their role has them: every
page answers (no 403 behind a link the navbar shows, no 5xx), nothing scrolls
sideways, and a screenshot of each is kept.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from accounts.services import add_tag, change_health_status
from activity.services.tasks import create_task
from core import clock
from core.causes import Cause
from tests.browser.conftest import BROWSER_DB
from tests.factories import AccountFactory, ContactFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]

LONG_WORD = "w" * 150


def _book(csm, manager):
    risky = AccountFactory(name="Risky Rockets", owner=csm, mrr=4700, currency="EUR")
    change_health_status(account=risky, status="struggling", cause=Cause.by_user(manager))
    add_tag(account=risky, tag="Key account", cause=Cause.by_system())
    AccountFactory(name=f"Long {LONG_WORD}", owner=csm, mrr=300)
    ContactFactory(account=risky, name="Ana Lima", email="ana@rockets.example", is_primary=True)
    create_task(
        account=risky,
        title=f"Call about {LONG_WORD}",
        source="staff",
        assignee=csm,
        due_at=clock.now() - timedelta(hours=3),
        cause=Cause.by_system(),
    )
    return risky


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("role", ["manager", "csm", "affiliate_manager"])
def test_each_role_opens_every_page_its_navbar_offers(
    request, log_in, page, csm, manager, screenshot, role, width
):
    account = _book(csm, manager)
    user = request.getfixturevalue(role)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(user)

    nav = page.locator("[data-testid=nav-links] a.nav-link")
    paths = list(nav.evaluate_all("links => links.map(a => a.pathname)"))
    paths += [f"/accounts/{account.pk}/", "/inbox/", "/search/?q=rock"]
    if "/boards/" in paths:
        paths.append("/boards/health/")
    checked = []
    for path in dict.fromkeys(paths):
        response = page.goto(path)
        assert response.status < 400, f"{role} gets {response.status} on {path}"
        expect(page.locator("main, body").first).not_to_contain_text("Forbidden")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{path} is {scroll} px wide at {width} px for {role}"
        name = path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "my-day"
        name = "account-page" if path == f"/accounts/{account.pk}/" else name
        # My day's charts grow in: the screenshot waits till they are drawn.
        expect(page.locator("canvas[data-source]:not([data-drawn=true])")).to_have_count(0)
        screenshot(f"walk-{role}-{width}-{name}")
        if width == 1440:  # a desktop shows whole tables, not a scrollbar under them
            hidden = page.evaluate(
                "[...document.querySelectorAll('.table-responsive')]"
                ".filter(e => e.scrollWidth > e.clientWidth + 1).length"
            )
            assert hidden == 0, f"a table on {path} scrolls sideways at 1440 px for {role}"
        checked.append(path)
    assert "/" in checked
