"""static/js/live.js in Chromium against a real daphne: each publish reaches the page's
callback within 2 s, a forged ticket stops it for good, and a restarted server is
reconnected to on its own."""

import pytest
from django.conf import settings

from core.live import publish, ticket
from tests.asgi_server import start_asgi_server
from tests.browser.conftest import BROWSER_DB

pytestmark = [pytest.mark.browser, BROWSER_DB]

CONNECT = """raw => {
    window.got = []; window.opened = 0; window.refused = null;
    window.live = OpenCSMLive.connect({
        ticket: raw,
        onMessage: (payload, topic) => window.got.push({topic, payload}),
        onOpen: () => { window.opened += 1; },
        onRefused: reason => { window.refused = reason; },
    });
}"""


def open_client(tab, raw: str) -> None:
    tab.goto("/login/")  # any page of the app: the script comes from our static files
    tab.add_script_tag(url="/static/js/live.js")
    tab.evaluate(CONNECT, raw)


def test_a_publish_reaches_the_page_within_2_s_and_a_forged_ticket_is_not_retried(asgi_page):
    open_client(asgi_page, ticket(["conversation:1"], party="contact:1"))
    asgi_page.wait_for_function("window.opened === 1")

    publish("conversation:1", {"text": "<b>hello</b>"})
    publish("conversation:2", {"text": "someone else's"})

    asgi_page.wait_for_function("window.got.length === 1", timeout=2000)
    assert asgi_page.evaluate("window.got") == [
        {"topic": "conversation:1", "payload": {"text": "<b>hello</b>"}}
    ]
    asgi_page.evaluate("window.live.close()")

    asgi_page.evaluate(CONNECT, "forged")
    asgi_page.wait_for_function("window.refused !== null")
    assert asgi_page.evaluate("window.refused") == "forged or malformed ticket"
    asgi_page.wait_for_timeout(1500)  # past the first back-off: no second attempt
    assert asgi_page.evaluate("window.opened") == 0


def test_the_client_reconnects_when_the_server_comes_back(browser):
    server = start_asgi_server(redis_url=settings.LIVE_REDIS_URL)
    context = browser.new_context(base_url=server.url)
    try:
        tab = context.new_page()
        open_client(tab, ticket(["board:1"], party="user:1"))
        tab.wait_for_function("window.opened === 1", timeout=10_000)
        server.stop()
        server = start_asgi_server(redis_url=settings.LIVE_REDIS_URL, port=server.port)
        tab.wait_for_function("window.opened === 2", timeout=30_000)

        publish("board:1", {"moved": 7})

        tab.wait_for_function("window.got.length === 1", timeout=2000)
        assert tab.evaluate("window.got[0].payload") == {"moved": 7}
    finally:
        context.close()
        server.stop()
