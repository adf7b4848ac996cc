"""Outbound webhooks: signing (Stripe's scheme), the SSRF guard, and delivery.

A receiver verifies `OpenCSM-Signature: t=<unix time>,v1=<hex>` where
v1 = HMAC-SHA256(secret, "<t>.<body>") exactly as it verifies Stripe's, and
de-duplicates by `OpenCSM-Delivery` (stable per run and step, so a retry is
recognisable). A destination that resolves to a private, loopback, link-local
or otherwise non-public address is refused unless the admin allows it; the
connection goes to the address that was checked (a second DNS answer cannot
swap in another), and redirects are never followed.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .base import Transport, TransportError

if TYPE_CHECKING:
    from ..models import Message

SIGNATURE_HEADER = "OpenCSM-Signature"
DELIVERY_HEADER = "OpenCSM-Delivery"
TIMEOUT_SECONDS = 10
# A receiver's answer is read this far (and then dropped): only its status matters.
ANSWER_BYTES = 65_536
RECIPIENT_PREFIX = "webhook:"
_DELIVERY_NAMESPACE = uuid.UUID("6f1d3a52-93a4-4b43-9b8e-0c2f6c1d7a10")


class UnsafeDestination(TransportError):
    """A URL OpenCSM will not call (SSRF guard); never retried."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class Destination:
    """A checked URL: where to connect (the address that passed the guard) and what to ask."""

    scheme: str
    host: str
    port: int
    target: str
    address: str


def delivery_id(cause_key: str, recipient: str) -> str:
    """The delivery's id: the same for every attempt of one message (its cause and
    endpoint), different for every other, and telling nothing about either."""
    return f"whd_{uuid.uuid5(_DELIVERY_NAMESPACE, f'{cause_key}|{recipient}').hex}"


def signature_header(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """`t=…,v1=…` over `<t>.<body>`, as Stripe signs its webhooks."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def check_destination(url: str, *, allow_private: bool = False) -> Destination:
    """The destination of `url`, or a refusal: not http(s), or a host that resolves to a
    non-public address (unless `allow_private`).

    Every address the name resolves to is checked (a name with one public and one
    private address is refused), so a public-looking name pointing at 127.0.0.1 or
    169.254.169.254 is caught; the connection then goes to the first of them.
    """
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeDestination("The webhook URL is not a valid URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeDestination("A webhook URL must be http:// or https:// with a host.")
    try:
        found = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, ValueError, UnicodeError) as error:
        raise TransportError(f"The webhook host does not resolve: {error}.") from error
    addresses = [address[0].split("%")[0] for *_, address in found]
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address)
            if not ip.is_global or ip.is_multicast:
                raise UnsafeDestination(
                    f"{parts.hostname} resolves to {ip}, a private or reserved address; "
                    "an admin must allow private destinations for it."
                )
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(parts.scheme, parts.hostname, port, target, addresses[0])


class _Pinned(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name resolves to now."""

    def __init__(self, destination: Destination) -> None:
        super().__init__(destination.host, destination.port, timeout=TIMEOUT_SECONDS)
        self.address = destination.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedTLS(_Pinned):
    """The same over TLS, the certificate checked against the URL's host name."""

    context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


class Connections:
    """Keep-alive connections for one batch of deliveries, one per destination."""

    def __init__(self) -> None:
        self._open: dict[tuple, _Pinned] = {}

    def post(self, destination: Destination, body: bytes, headers: dict[str, str]) -> int:
        """POST and return the status; a connection the receiver closed meanwhile is
        opened again once (the receiver de-duplicates by delivery id)."""
        key = (destination.scheme, destination.host, destination.port, destination.address)
        reused = key in self._open
        for attempt in (1, 2):
            connection = self._open.get(key)
            if connection is None:
                kind = _PinnedTLS if destination.scheme == "https" else _Pinned
                connection = self._open[key] = kind(destination)
            try:
                connection.request("POST", destination.target, body=body, headers=headers)
                response = connection.getresponse()
                response.read(ANSWER_BYTES)
                if response.will_close or not response.isclosed():
                    self._drop(key)
                return response.status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self._drop(key)
                if not reused or attempt == 2:
                    raise
            except BaseException:
                self._drop(key)
                raise
        raise AssertionError("unreachable")

    def _drop(self, key: tuple) -> None:
        connection = self._open.pop(key, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for key in list(self._open):
            self._drop(key)


def post_signed(
    connections: Connections,
    destination: Destination,
    *,
    body: bytes,
    secret: str,
    delivery: str,
) -> int:
    """POST `body` (JSON) signed; the receiver's 2xx status. Raises TransportError: 5xx,
    408, 429, time-outs and network errors are temporary; other answers permanent."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(body, secret),
        DELIVERY_HEADER: delivery,
        "User-Agent": "OpenCSM-Webhooks/1",
    }
    try:
        status = connections.post(destination, body, headers)
    except TimeoutError:
        raise TransportError(f"The receiver did not answer within {TIMEOUT_SECONDS} s.") from None
    except (OSError, http.client.HTTPException) as error:
        raise TransportError(f"The receiver could not be reached: {error!r}.") from None
    if 200 <= status < 300:
        return status
    if 300 <= status < 400:
        raise TransportError(
            f"The receiver answered {status}, a redirect; redirects are not followed.",
            permanent=True,
        )
    permanent = 400 <= status < 500 and status not in (408, 429)
    raise TransportError(f"The receiver answered {status}.", permanent=permanent)


def deliver(
    *, url: str, body: bytes, secret: str, delivery_id: str, allow_private: bool = False
) -> int:
    """One signed delivery now (outside the outbox): the receiver's status."""
    destination = check_destination(url, allow_private=allow_private)
    connections = Connections()
    try:
        return post_signed(connections, destination, body=body, secret=secret, delivery=delivery_id)
    finally:
        connections.close()


class WebhookTransport(Transport):
    """The outbox's webhook channel: a message's body is the JSON payload, its recipient
    `webhook:<endpoint id>`; the endpoint's URL and secret are read when it is sent."""

    def send(self, message: Message) -> str:
        outcome = next(self.send_many([message]))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def send_many(self, messages: Sequence[Message]) -> Iterator[str | Exception]:
        """A batch over shared keep-alive connections, its endpoints read in one query and
        each URL checked once."""
        from ..models import WebhookEndpoint

        ids = {_endpoint_id(message.recipient) for message in messages}
        endpoints = WebhookEndpoint.objects.in_bulk([pk for pk in ids if pk is not None])
        checked: dict[tuple[str, bool], Destination | TransportError] = {}
        connections = Connections()
        try:
            for message in messages:
                try:
                    yield self._one(message, endpoints, checked, connections)
                except Exception as error:  # the delivery loop settles every kind
                    yield error
        finally:
            connections.close()

    @staticmethod
    def _one(message: Message, endpoints: dict, checked: dict, connections: Connections) -> str:
        endpoint = endpoints.get(_endpoint_id(message.recipient))
        if endpoint is None:
            raise TransportError("Its webhook endpoint was deleted.", permanent=True)
        if not endpoint.active:
            raise TransportError(f"The endpoint {endpoint.key} is switched off.", permanent=True)
        place = (endpoint.url, endpoint.allow_private)
        if place not in checked:
            try:
                checked[place] = check_destination(endpoint.url, allow_private=place[1])
            except TransportError as refused:
                checked[place] = refused
        if isinstance(checked[place], TransportError):
            raise checked[place]
        delivery = delivery_id(message.cause_key, message.recipient)
        body = message.body_text.encode()
        post_signed(
            connections, checked[place], body=body, secret=endpoint.secret, delivery=delivery
        )
        return delivery


def _endpoint_id(recipient: str) -> int | None:
    number = recipient.removeprefix(RECIPIENT_PREFIX)
    return int(number) if recipient.startswith(RECIPIENT_PREFIX) and number.isdigit() else None
