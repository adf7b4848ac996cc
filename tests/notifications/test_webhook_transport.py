"""Outbound webhook building blocks: a receiver verifies the signature; SSRF refusals."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from api.stripe.signature import BadSignature, verify_signature
from notifications.transports.base import TransportError
from notifications.transports.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    UnsafeDestination,
    check_destination,
    deliver,
)

SECRET = "whsec_test"


@pytest.fixture
def receiver():
    """A local HTTP server that records each request and answers `status` (200)."""
    received, state = [], {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.headers, body))  # case-insensitive, as HTTP is
            self.send_response(state["status"])
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received, state
    server.shutdown()


def test_the_receiver_verifies_the_signature_with_stripes_scheme(receiver, settings):
    settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
    url, received, _ = receiver
    body = json.dumps({"event": {"kind": "login_recorded"}, "account": {"id": "acme"}}).encode()

    status = deliver(
        url=url, body=body, secret=SECRET, delivery_id="run-1-step-2", allow_private=True
    )

    [(headers, got)] = received
    assert (status, got) == (200, body)
    assert headers[DELIVERY_HEADER] == "run-1-step-2"
    verify_signature(got, headers[SIGNATURE_HEADER], SECRET)  # raises if it does not match
    with pytest.raises(BadSignature):
        verify_signature(got + b" ", headers[SIGNATURE_HEADER], SECRET)


@pytest.mark.parametrize(("status", "permanent"), [(500, False), (429, False), (410, True)])
def test_a_failed_delivery_says_whether_to_retry(receiver, status, permanent):
    url, _, state = receiver
    state["status"] = status

    with pytest.raises(TransportError) as failed:
        deliver(url=url, body=b"{}", secret=SECRET, delivery_id="d", allow_private=True)

    assert failed.value.permanent is permanent


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "http://[::1/hook",
        "http://example.com:99999/hook",
    ],
)
def test_private_loopback_and_link_local_destinations_are_refused(url):
    with pytest.raises(UnsafeDestination):
        check_destination(url)


def test_an_admin_may_allow_a_private_destination():
    check_destination("http://127.0.0.1/hook", allow_private=True)


def test_a_refused_destination_is_never_called(receiver):
    url, received, _ = receiver

    with pytest.raises(UnsafeDestination):
        deliver(url=url, body=b"{}", secret=SECRET, delivery_id="d")

    assert received == []
