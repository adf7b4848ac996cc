"""Outbound webhooks: signing (Stripe's scheme), the SSRF guard, and one delivery.

The building blocks of the "call a webhook" workflow step (not yet wired to the
outbox): a receiver verifies `OpenCSM-Signature: t=<unix time>,v1=<hex>` where
v1 = HMAC-SHA256(secret, "<t>.<body>") exactly as it verifies Stripe's, and
de-duplicates by `OpenCSM-Delivery` (stable per run and step, so a retry is
recognisable). A destination that resolves to a private, loopback, link-local
or otherwise non-public address is refused unless the admin allows it.
"""

import hashlib
import hmac
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from .base import TransportError

SIGNATURE_HEADER = "OpenCSM-Signature"
DELIVERY_HEADER = "OpenCSM-Delivery"
TIMEOUT_SECONDS = 10


class UnsafeDestination(TransportError):
    """A URL OpenCSM will not call (SSRF guard); never retried."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


def signature_header(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """`t=…,v1=…` over `<t>.<body>`, as Stripe signs its webhooks."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def check_destination(url: str, *, allow_private: bool = False) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to a non-public address.

    Every address the name resolves to is checked (a name with one public and
    one private address is refused), after DNS resolution, so a public-looking
    name pointing at 127.0.0.1 or 169.254.169.254 is caught.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination("A webhook URL must be http:// or https:// with a host.")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, ValueError, UnicodeError) as error:
        raise TransportError(f"The webhook host does not resolve: {error}.") from error
    for *_, address in found:
        ip = ipaddress.ip_address(address[0].split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise UnsafeDestination(
                f"{parts.hostname} resolves to {ip}, a private or reserved address; "
                "an admin must allow private destinations for it."
            )


def deliver(
    *, url: str, body: bytes, secret: str, delivery_id: str, allow_private: bool = False
) -> int:
    """POST `body` (JSON) signed; the receiver's status. Raises TransportError (5xx,
    429 and network errors are temporary; other 4xx and unsafe URLs permanent)."""
    check_destination(url, allow_private=allow_private)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_header(body, secret),
            DELIVERY_HEADER: delivery_id,
            "User-Agent": "OpenCSM-Webhooks/1",
        },
    )
    try:
        # No redirects followed blindly: a 3xx to a private address would dodge the guard.
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        permanent = 400 <= error.code < 500 and error.code != 429
        raise TransportError(f"The receiver answered {error.code}.", permanent=permanent) from None
    except (urllib.error.URLError, OSError) as error:
        raise TransportError(f"The receiver could not be reached: {error}.") from error


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
