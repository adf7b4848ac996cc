"""`manage.py worker` stops within 10 s of SIGTERM, holding nothing.

A real cluster in a subprocess, on this test's database, delivers a backlog
of e-mails to a local SMTP server that takes 0.3 s per message (so a drain
loop alone would run for its whole 30 s budget), and is stopped mid-work.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django_q.tasks import async_task

from core.causes import Cause
from notifications.models import Message, MessageStatus
from notifications.services import queue_customer_message
from tests.factories import AccountFactory, ContactFactory
from tests.notifications.smtp_server import SMTPSink

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.processes,
]

ROOT = Path(__file__).resolve().parents[2]
BACKLOG = 60
PER_MESSAGE = 0.3  # seconds the SMTP server takes to accept each message


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def queue_backlog() -> None:
    """Queued e-mails nobody has been woken for (the worker's tasks come below)."""
    with mock.patch("notifications.services.wake_on_commit"):
        for n in range(BACKLOG):
            account = AccountFactory()
            ContactFactory(account=account, email=f"c{n}@customer.example")
            queue_customer_message(
                account=account,
                template_key="e1-payment-receipt",
                cause_key=f"payment:{n}",
                cause=Cause.by_system(),
                data={"amount": "99.00", "currency": "USD", "invoice_id": f"in_{n}"},
            )
    for _ in range(2):  # one drain per worker ...
        async_task("notifications.tasks.deliver_due_messages", sync=False)
    for pk in Message.objects.values_list("pk", flat=True)[:6]:  # ... and tasks fetched behind
        async_task("notifications.tasks.deliver_message", pk, sync=False)


def start_worker(smtp_port: int) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csm.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # queued task payloads are signed with it
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "5",
        "Q_WORKERS": "2",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, as under a supervisor
    )


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("to_every_process", [False, True], ids=["to-the-worker", "to-the-group"])
def test_sigterm_stops_the_worker_within_10_s_and_leaves_nothing_claimed(to_every_process):
    queue_backlog()
    server = SMTPSink(final_reply_delay=PER_MESSAGE)
    worker = start_worker(server.port)
    try:
        deadline = time.monotonic() + 60
        while len(server.messages) < 3:  # mid-work
            assert worker.poll() is None, "the worker did not start"
            assert time.monotonic() < deadline, "nothing was delivered"
            time.sleep(0.05)

        signalled = time.monotonic()
        if to_every_process:  # `kill 0`, systemd, a container runtime
            os.killpg(worker.pid, signal.SIGTERM)
        else:
            worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)
        took = time.monotonic() - signalled
        while group_alive(worker.pid) and time.monotonic() - signalled < 10:
            time.sleep(0.05)
        took_all = time.monotonic() - signalled
    finally:
        if group_alive(worker.pid):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        server.close()

    assert took < 10, f"the worker took {took:.1f} s to stop"
    assert took_all < 10, "a process of the cluster was left running"
    statuses = list(Message.objects.values_list("status", flat=True))
    assert MessageStatus.SENDING not in statuses, "a message was left claimed"
    assert statuses.count(MessageStatus.SENT) == len(server.messages), "sent = stored, once each"
    assert statuses.count(MessageStatus.QUEUED) > 0, "stopped early, the rest left queued"
