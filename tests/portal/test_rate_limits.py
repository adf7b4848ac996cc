"""How many customer-form submissions are accepted, and counted against whom."""

import pytest

from activity.models import Feedback, Task
from notifications.links import form_links
from portal import views
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy every request arrives from


def path_of(url: str) -> str:
    return url.split("127.0.0.1:8000", 1)[1]


def new_request_link(contact) -> str:
    return path_of(form_links(contact)["request"])


def send_request(client, link: str, n: int, **headers):
    data = {"title": f"Request {n}", "urgency": "normal"}
    return client.post(link, data, **headers)


@pytest.fixture
def limits(monkeypatch):
    """Small limits, so a test floods with a handful of submissions."""

    def limits(*, link=100, contact=100, address=100):
        monkeypatch.setattr(views, "PER_LINK", link)
        monkeypatch.setattr(views, "PER_CONTACT", contact)
        monkeypatch.setattr(views, "PER_ADDRESS", address)

    return limits


def test_mistakes_on_the_form_do_not_lock_a_customer_out(client, links):
    for _ in range(3 * views.PER_ADDRESS):
        assert client.post(links["feedback"], {"nps": "nope"}).status_code == 200

    assert client.post(links["feedback"], {"nps": "9"}).status_code == 302
    assert Feedback.objects.count() == 1


def test_a_flood_on_one_link_is_refused_and_writes_nothing_more(client, links):
    for n in range(views.PER_LINK):
        assert send_request(client, links["request"], n).status_code == 302

    page = send_request(client, links["request"], views.PER_LINK)

    assert page.status_code == 429
    assert "Too many submissions" in page.content.decode()
    assert Task.objects.count() == views.PER_LINK


def test_a_contact_is_limited_across_their_links_but_not_other_contacts(
    client, contact, account, limits
):
    limits(link=2, contact=3)
    sent = [send_request(client, new_request_link(contact), n).status_code for n in range(4)]
    colleague = ContactFactory(account=account, email="sam@acme.example", is_primary=False)

    assert sent == [302, 302, 302, 429]
    assert send_request(client, new_request_link(colleague), 9).status_code == 302


def test_behind_a_trusted_proxy_each_customer_is_counted_on_their_own_address(
    client, contact, account, settings, limits
):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    limits(address=2)
    colleague = ContactFactory(account=account, email="sam@acme.example", is_primary=False)
    # The left part of the header is whatever the client sent; the proxy appends the real address.
    jordan = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"}
    sam = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7"}

    jordans = [send_request(client, new_request_link(contact), n, **jordan) for n in range(3)]

    assert [r.status_code for r in jordans] == [302, 302, 429]
    assert send_request(client, new_request_link(colleague), 9, **sam).status_code == 302


def test_without_a_trusted_proxy_header_a_forwarded_address_is_not_believed(
    client, contact, account, limits
):
    limits(address=2)
    colleague = ContactFactory(account=account, email="sam@acme.example", is_primary=False)
    for n in range(2):
        send_request(client, new_request_link(contact), n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    spoofed = send_request(
        client, new_request_link(colleague), 9, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert spoofed.status_code == 429


@pytest.mark.parametrize(
    ("header", "proxies", "expected"),
    [
        ("203.0.113.5", 1, "203.0.113.5"),
        ("6.6.6.6, 203.0.113.5", 1, "203.0.113.5"),  # the client's own entry is ignored
        ("6.6.6.6, 203.0.113.5, 10.0.0.9", 2, "203.0.113.5"),  # a CDN, then our proxy
        ("203.0.113.5", 2, "203.0.113.5"),  # fewer entries than proxies: the first is theirs
        ("2001:db8::1", 1, "2001:db8::1"),
        ("", 1, PROXY),  # not through the proxy: the peer is the client
        ("not-an-address", 1, PROXY),
    ],
)
def test_the_client_address_is_read_from_the_trusted_end_of_the_header(
    rf, settings, header, proxies, expected
):
    from core.ratelimit import client_address

    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)

    assert client_address(request) == expected
