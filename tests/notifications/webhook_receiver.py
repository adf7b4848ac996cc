"""A webhook receiver, written as a team's would be from the README's "Verify a webhook's
signature": it checks OpenCSM-Signature over the raw body, refuses stale timestamps,
and handles each OpenCSM-Delivery id once."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300


class BadSignature(Exception):
    pass


def verify(body: bytes, header: str, secret: str) -> None:
    """Raise BadSignature unless `header` signs `body` with `secret`, recently."""
    try:
        pairs = [part.split("=", 1) for part in header.split(",")]
        timestamp = int(next(value for key, value in pairs if key == "t"))
    except (ValueError, StopIteration):
        raise BadSignature("malformed header") from None
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    if not any(key == "v1" and hmac.compare_digest(expected, value) for key, value in pairs):
        raise BadSignature("no matching v1 signature")
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        raise BadSignature("timestamp outside the tolerance")


class Receiver:
    """Listens on 127.0.0.1; `status` is what it answers, `delay` how long it waits first."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.status = 200
        self.delay = 0.0
        self.requests: list[tuple[dict, bytes]] = []  # every request, as received
        self.handled: dict[str, dict] = {}  # delivery id -> payload, each handled once
        self.refused: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as most servers

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                time.sleep(receiver.delay)
                status = receiver.handle(self.headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/opencsm-hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def handle(self, headers, body: bytes) -> int:
        try:
            verify(body, headers.get("OpenCSM-Signature", ""), self.secret)
        except BadSignature as bad:
            self.refused.append(str(bad))
            return 400
        if self.status >= 300:
            return self.status
        self.handled.setdefault(headers["OpenCSM-Delivery"], json.loads(body))
        return 200

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
