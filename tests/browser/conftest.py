"""Playwright driving Debian's Chromium against the live test server.

Screenshots of each main page go to test-artifacts/screenshots/ (kept by CI).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.asgi_server import start_asgi_server

# Playwright's sync API runs an event loop in the test's thread; the ORM calls
# the tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery"


# Every browser test module sets, so that the data migrations' rows (templates,
# playbooks, pipelines) are there for the live server:
#     pytestmark = [pytest.mark.browser, BROWSER_DB]
BROWSER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it as root).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def asgi_live_server(django_db_setup):
    """daphne serving csm.asgi (HTTP, static files and the /ws/live/ WebSockets) on the
    test database, in a subprocess, for the whole session: pytest-django's live_server
    is WSGI, without WebSockets. Use it with BROWSER_DB (what the test writes must be
    committed for the server to see it); publishes from the test reach it through the
    database relay (in-memory layer), or Redis where the settings name one."""
    server = start_asgi_server(redis_url=settings.LIVE_REDIS_URL)
    yield server
    server.stop()


@pytest.fixture
def asgi_page(browser, asgi_live_server):
    """A tab whose relative URLs go to the ASGI live server (`page` goes to live_server)."""
    context = browser.new_context(
        base_url=asgi_live_server.url, viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def log_in(page):
    """Log `user` in through the login form; returns the page."""

    def log_in(user):
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        return page

    return log_in


@pytest.fixture
def screenshot(page):
    def screenshot(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return screenshot
