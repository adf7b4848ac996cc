"""Interactive events over real HTTP, and when all of their playbook's effects committed.

A manager changes an account's health on the staff page (logged in, with
the CSRF token, as a browser would post the form); the product reports a
payment through the API (a bearer token). An event is done when its trigger
event was matched, every run it started succeeded (each step commits its
tags and stage moves with its result) and every message those runs queued
was sent (or settled as suppressed/failed). Its latency is from just before
the request to the last of those commits, read from the rows' own times.
"""

import http.client
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.db.models import Max, Q

from accounts.models import Account, HealthStatus
from core import clock
from notifications.models import Message, MessageStatus
from workflows.models import Run, RunStatus, TriggerEvent

SETTLED = [MessageStatus.SENT, MessageStatus.SUPPRESSED, MessageStatus.FAILED]


class Browser:
    """Just enough of a browser for Django: cookies kept, redirects not followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), response.read()
        finally:
            connection.close()

    def post_form(self, path: str, fields: dict) -> tuple[int, dict, bytes]:
        form = {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{self.port}{path}",
        }
        return self.request("POST", path, urlencode(form).encode(), headers)

    def log_in(self, login_path: str, username: str, password: str) -> None:
        status, _, _ = self.request("GET", login_path)
        if status != 200 or "csrftoken" not in self.cookies:
            raise RuntimeError(f"The login page answered {status} without a CSRF cookie.")
        credentials = {"username": username, "password": password}
        status, _, _ = self.post_form(login_path, credentials)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Logging in as {username} failed (HTTP {status}).")


@dataclass
class Sent:
    """One interactive event: what was sent, and when its effects were all committed."""

    kind: str  # "health" or "payment"
    account_id: int
    trigger: str
    at: datetime
    request_seconds: float
    done_at: datetime | None = None
    runs: int = 0
    messages: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def latency(self) -> float | None:
        return (self.done_at - self.at).total_seconds() if self.done_at else None


def next_health(current: str, n: int) -> str:
    """A health status other than `current`, varying with `n`."""
    choices = [value for value in HealthStatus.values if value != current]
    return choices[n % len(choices)]


def change_health(browser: Browser, path: str, account: Account, n: int) -> Sent:
    status = next_health(account.health_status, n)
    at, started = clock.now(), time.perf_counter()
    code, headers, _ = browser.post_form(path, {"status": status, "note": "bench"})
    seconds = time.perf_counter() - started
    if code != 302 or "login" in headers.get("Location", ""):
        raise RuntimeError(f"The health change answered HTTP {code} ({headers.get('Location')}).")
    account.health_status = status
    return Sent("health", account.pk, "health_status_changed", at, seconds)


def pay(port: int, key: str, account: Account) -> Sent:
    event = {
        "id": f"bench-pay-{uuid.uuid4().hex}",
        "type": "payment.succeeded",
        "account": account.external_id,
        "payment_id": f"ch_bench_{uuid.uuid4().hex}",
        "invoice_id": f"in_bench_{uuid.uuid4().hex[:12]}",
        "amount": "49.00",
    }
    browser = Browser(port)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    at, started = clock.now(), time.perf_counter()
    code, _, body = browser.request(
        "POST", "/api/v1/events", json.dumps({"events": [event]}).encode(), headers
    )
    seconds = time.perf_counter() - started
    if code != 200 or json.loads(body).get("accepted") != 1:
        raise RuntimeError(f"The payment answered HTTP {code}: {body[:300]!r}")
    return Sent("payment", account.pk, "payment_succeeded", at, seconds)


def check_done(sent: Sent) -> bool:
    """Whether every effect of `sent` is committed; sets its `done_at` when so."""
    events = TriggerEvent.objects.filter(
        account_id=sent.account_id, kind=sent.trigger, created_at__gte=sent.at
    )
    if not events.exists() or events.filter(processed_at=None).exists():
        return False
    runs = Run.objects.filter(event__in=events).exclude(status=RunStatus.SKIPPED)
    if not runs.exists() or runs.exclude(status=RunStatus.SUCCEEDED).exists():
        return False
    messages = Message.objects.filter(cause_run_id__in=runs.values("pk"))
    # A message the outbox's policy deferred (quiet hours, a cap) is settled for now: the
    # playbook did its part; waiting for tomorrow morning is not latency.
    deferred = Q(status=MessageStatus.QUEUED) & ~Q(held_reason="")
    if messages.exclude(status__in=SETTLED).exclude(deferred).exists():
        return False
    last_run = runs.aggregate(at=Max("finished_at"))["at"]
    last_message = messages.aggregate(at=Max("sent_at"))["at"]
    sent.done_at = max(at for at in (last_run, last_message) if at is not None)
    sent.runs, sent.messages = runs.count(), messages.count()
    return True
