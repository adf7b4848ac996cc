"""Outbound webhook delivery, measured through the real worker path.

A local receiver (in this process, verifying every signature as the README tells a
receiver to) stands behind a webhook endpoint; a backlog of webhook deliveries, as
"Call a webhook" steps queue them, is written in bulk; `manage.py worker` (a real
cluster, production settings) drains the outbox to it. The figure is deliveries the
receiver accepted per second, from the first to the last (or over the window).
"""

import hashlib
import hmac
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings

from core import clock
from core.causes import Cause
from core.lanes import BULK
from notifications.models import Channel, Message, MessageStatus, WebhookEndpoint
from notifications.transports.webhook import RECIPIENT_PREFIX, delivery_id

from . import processes, wakeups
from .latency import rate

PREFIX = "bench-webhooks:"
ENDPOINT_KEY = "bench-receiver"
SECRET = "whsec_bench"
CHUNK = 2_000
STARTUP_TIMEOUT = 90.0


class Receiver:
    """Counts the deliveries whose signature verifies, once per delivery id."""

    def __init__(self) -> None:
        self.accepted: set[str] = set()
        self.refused = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                good = _verified(body, self.headers.get("OpenCSM-Signature", ""))
                with receiver.lock:
                    if good:
                        receiver.accepted.add(self.headers["OpenCSM-Delivery"])
                    else:
                        receiver.refused += 1
                self.send_response(200 if good else 400)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _verified(body: bytes, header: str) -> bool:
    pairs = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    signed = f"{pairs.get('t', '')}.".encode() + body
    expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, pairs.get("v1", ""))


@dataclass(frozen=True)
class Sizes:
    deliveries: int = 6_000
    window: float = 30.0
    workers: int = 2


def clear() -> None:
    Message.objects.filter(cause_key__startswith=PREFIX).delete()
    WebhookEndpoint.objects.filter(key=ENDPOINT_KEY).delete()


def build(count: int, url: str) -> int:
    """`count` queued deliveries to the receiver, as the step queues them; the endpoint."""
    endpoint = WebhookEndpoint.objects.create(
        key=ENDPOINT_KEY, name="Bench receiver", url=url, secret=SECRET, allow_private=True
    )
    recipient = f"{RECIPIENT_PREFIX}{endpoint.pk}"
    now = clock.now()
    cause = Cause.by_system("bench webhooks").as_fields()
    for start in range(0, count, CHUNK):
        Message.objects.bulk_create(
            _delivery(f"{PREFIX}{n}", recipient, now, cause)
            for n in range(start, min(count, start + CHUNK))
        )
    return endpoint.pk


def _delivery(cause_key: str, recipient: str, now, cause: dict) -> Message:
    body = {
        "id": delivery_id(cause_key, recipient),
        "type": "workflow.step",
        "created": int(now.timestamp()),
        "event": {"kind": "payment_failed", "key": cause_key, "data": {"amount": "99.00"}},
        "account": {"id": cause_key, "name": "Bench account", "plan": "pro", "mrr": "99.00"},
        "run": {"id": 1, "workflow": "Bench", "step": "1"},
    }
    return Message(
        channel=Channel.WEBHOOK,
        recipient=recipient,
        cause_key=cause_key,
        subject="workflow.step to Bench receiver",
        body_text=json.dumps(body),
        transactional=True,
        status=MessageStatus.QUEUED,
        next_attempt_at=now,
        created_at=now,
        lane=BULK,
        **cause,
    )


def measure(sizes: Sizes, env: dict[str, str], logs: Path, say: Callable[[str], None]) -> dict:
    """Deliveries per second from a real worker cluster to a local receiver."""
    say(f"Outbound webhooks: {sizes.deliveries:,} deliveries, {sizes.workers} workers")
    receiver = Receiver()
    clear()
    try:
        build(sizes.deliveries, receiver.url)
        wakeups.push(wakeups.signed_tasks([(wakeups.DRAIN_OUTBOX, ())] * sizes.workers))
        worker = processes.worker(env, logs / f"{time.strftime('%Y%m%d-%H%M%S')}-webhooks.log")
        with processes.running(worker):
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while receiver.count() == 0:
                if not worker.alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"No webhook arrived:\n{worker.tail()}")
                time.sleep(0.05)
            first, started = receiver.count(), time.perf_counter()
            until = started + sizes.window
            while receiver.count() < sizes.deliveries and time.perf_counter() < until:
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            delivered = receiver.count() - first
        failed = Message.objects.filter(
            cause_key__startswith=PREFIX, status=MessageStatus.FAILED
        ).count()
        figures = {
            "deliveries": delivered,
            "seconds": seconds,
            "per_second": rate(delivered, seconds),
            "refused_signatures": receiver.refused,
            "failed": failed,
            "all_delivered": receiver.count() == sizes.deliveries,
        }
        say(
            f"  {figures['per_second']:,.0f} deliveries/s over {seconds:.1f} s "
            f"({delivered:,} signed POSTs verified by the receiver; {failed} failed, "
            f"{receiver.refused} bad signatures)"
        )
        return figures
    finally:
        receiver.close()
        clear()


def run(sizes: Sizes, say: Callable[[str], None]) -> dict:
    """`measure` with the worker bench's production settings, logs under bench/logs."""
    logs = Path(settings.BASE_DIR) / "bench" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    mail_dir = Path(tempfile.mkdtemp(prefix="opencsm-bench-mail-"))
    env = processes.child_environment(
        mail_dir=mail_dir,
        static_root=Path(settings.BASE_DIR) / "bench" / "static",
        workers=sizes.workers,
    )
    try:
        return measure(sizes, env, logs, say)
    finally:
        shutil.rmtree(mail_dir, ignore_errors=True)
