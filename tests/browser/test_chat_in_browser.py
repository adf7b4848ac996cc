"""A customer chats from the widget on the SaaS product's page (another origin) and a CSM
answers from the Conversations page: each sees the other's message without reloading."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from accounts.roles import CSM
from conversations.identity import identity_hash
from tests.browser.conftest import BROWSER_DB, PASSWORD, SCREENSHOTS
from tests.factories import AccountFactory, ContactFactory, UserFactory

pytestmark = [pytest.mark.browser, BROWSER_DB]

PRODUCT_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Acme app</title></head>
<body style="font-family: sans-serif; margin: 2rem"><h1>Acme analytics</h1><p>Your dashboard.</p>
<script src="{server}/static/js/chat-widget.js" async data-account="acme" data-contact="user-7"
        data-signature="{signature}"></script></body></html>"""


@pytest.fixture
def product_site(asgi_live_server):
    """The SaaS product's own web server (another origin: another port), serving one page
    with the widget's script tag, as a customer would put it in."""
    html = PRODUCT_PAGE.format(
        server=asgi_live_server.url, signature=identity_hash("acme", "user-7")
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/app"
    server.shutdown()


def _product_tab(browser, url, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.goto(url)
    return tab


def _shot(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


@pytest.mark.parametrize("width", [1440, 390])
def test_customer_and_csm_see_each_others_messages_without_reloading(
    browser, asgi_live_server, product_site, width
):
    csm = UserFactory(username=f"chat-csm-{width}", first_name="Carla", last_name="Ng", roles=[CSM])
    account = AccountFactory(owner=csm, external_id="acme", name="Acme")
    ContactFactory(account=account, name="Jordan Rivera", external_id="user-7")

    staff_context = browser.new_context(
        base_url=asgi_live_server.url, viewport={"width": width, "height": 900}
    )
    staff_context.set_default_timeout(10_000)
    staff = staff_context.new_page()
    staff.goto("/login/")
    staff.fill("#id_username", csm.username)
    staff.fill("#id_password", PASSWORD)
    staff.click("button[type=submit]")
    staff.wait_for_url("**/")
    staff.goto("/conversations/?box=all")
    expect(staff.get_by_text("No open conversation here.")).to_be_visible()
    staff.wait_for_timeout(500)  # the page's socket is listening

    customer = _product_tab(browser, product_site, width)
    customer.get_by_test_id("chat-launcher").click()
    customer.get_by_test_id("chat-input").fill("Hi! <b>How</b> do I export my data?")
    customer.get_by_test_id("chat-send").click()
    messages = customer.get_by_test_id("chat-messages")
    expect(messages).to_contain_text("<b>How</b> do I export my data?")  # as typed

    # The CSM's list shows the new thread without a reload, and the badge counts it.
    row = staff.get_by_test_id("conversation-row")
    expect(row).to_contain_text("Jordan Rivera", timeout=2000)
    expect(staff.get_by_test_id("chat-unread-count")).to_have_text("1", timeout=2000)
    _shot(staff, f"chat-list-{width}")
    row.get_by_role("link", name="Jordan Rivera").click()
    thread = staff.get_by_test_id("chat-thread")
    expect(thread).to_contain_text("<b>How</b> do I export my data?")
    expect(staff.get_by_test_id("account-context")).to_contain_text("Carla Ng")

    staff.get_by_test_id("reply-body").fill("Hi Jordan: Settings › Export, then CSV.")
    staff.get_by_test_id("send-reply").click()
    expect(thread).to_contain_text("Settings › Export, then CSV.")

    # The customer sees the reply without reloading …
    expect(messages).to_contain_text("Settings › Export, then CSV.", timeout=2000)
    _shot(customer, f"chat-widget-{width}")
    staff.wait_for_timeout(300)

    # … and the CSM the customer's next message, on the open thread.
    customer.get_by_test_id("chat-input").fill("Perfect, thanks!")
    customer.get_by_test_id("chat-input").press("Enter")
    expect(thread).to_contain_text("Perfect, thanks!", timeout=2000)
    _shot(staff, f"chat-thread-{width}")
    scroll = staff.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width
    customer.context.close()
    staff_context.close()
