"""The outbox against a real SMTP conversation: slow, refusing and absent servers.

Each test points Django's SMTP backend (what `EMAIL_URL=smtp://…` configures)
at a local server in a thread (tests/notifications/smtp_server.py).
"""

import email
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from core import clock
from core.causes import Cause
from notifications import delivery, tasks
from notifications.models import Message, MessageStatus
from notifications.services import queue_customer_message
from tests.factories import UserFactory
from tests.notifications.smtp_server import SMTPSink, free_port

pytestmark = pytest.mark.django_db

RECEIPT = "e1-payment-receipt"
TIMEOUT = 1  # seconds; the slow server answers after 1.5


@pytest.fixture
def smtp_settings(settings):
    """Django's own SMTP backend, as EMAIL_URL=smtp://127.0.0.1:<port> sets it."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = TIMEOUT

    def point_at(port: int) -> None:
        settings.EMAIL_PORT = port

    return point_at


@pytest.fixture
def sinks():
    started = []

    def start(**options) -> SMTPSink:
        sink = SMTPSink(**options)
        started.append(sink)
        return sink

    yield start
    for sink in started:
        sink.close()


@pytest.fixture
def queue(account, contact, django_capture_on_commit_callbacks):
    def queue() -> Message:
        with django_capture_on_commit_callbacks(execute=True):
            message, _ = queue_customer_message(
                account=account,
                template_key=RECEIPT,
                cause_key="payment:in_1",
                cause=Cause.by_system(),
                data={"amount": "99.00", "currency": "USD", "invoice_id": "in_1"},
            )
        message.refresh_from_db()
        return message

    return queue


def test_a_server_that_stores_the_message_but_answers_late_gets_it_once(
    queue, smtp_settings, sinks, client
):
    slow = sinks(final_reply_delay=TIMEOUT + 0.5)
    smtp_settings(slow.port)

    message = queue()

    assert len(slow.messages) == 1
    assert message.status == MessageStatus.FAILED, "the outcome is unknown, not a failure"
    assert "may or may not have been delivered" in message.last_error
    assert "Not resent automatically" in message.last_error
    # The reconciler, a day of ticks later, leaves it to a person.
    with time_machine.travel(clock.now() + timedelta(days=1)):
        tasks.deliver_due_messages()
        tasks.deliver_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == 1
    assert len(slow.messages) == 1

    # Staff find it where rows left "sending" by a dead worker are: the failed outbox.
    client.force_login(UserFactory(username="root", is_superuser=True))
    failed = client.get(reverse("admin:notifications_message_changelist"), {"status": "failed"})
    assert message.recipient in failed.content.decode()
    detail = client.get(reverse("admin:notifications_message_change", args=[message.pk]))
    assert "may or may not have been delivered" in detail.content.decode()


def test_a_server_that_refuses_the_connection_then_accepts_gets_the_message_once(
    queue, smtp_settings, sinks
):
    port = free_port()
    smtp_settings(port)

    message = queue()

    assert message.status == MessageStatus.QUEUED, "refused before DATA: safe to retry"
    assert "ConnectionRefusedError" in message.last_error
    server = sinks(port=port)
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        assert delivery.deliver_due() == 1
        assert delivery.deliver_due() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert len(server.messages) == 1


def test_a_server_that_refuses_the_message_after_data_is_retried(queue, smtp_settings, sinks):
    busy = sinks(final_reply=b"451 Try again later")
    smtp_settings(busy.port)

    message = queue()

    assert message.status == MessageStatus.QUEUED, "an explicit refusal is a known outcome"
    assert "451" in message.last_error
    assert busy.messages == []


def test_customer_email_replies_go_to_the_account_owner(queue, smtp_settings, sinks, account):
    server = sinks()
    smtp_settings(server.port)

    queue()

    sent = email.message_from_bytes(server.messages[0])
    assert account.owner.email
    assert account.owner.email in sent["Reply-To"]
    assert account.owner.get_full_name() in sent["Reply-To"]


@pytest.mark.parametrize("owner", ["without e-mail", "none"])
def test_customer_email_replies_go_to_support_when_no_owner_can_answer(
    queue, account, owner, settings
):
    settings.COMPANY_SUPPORT_EMAIL = "help@saas.example"
    if owner == "none":
        account.owner = None
        account.save(update_fields=["owner"])
    else:
        account.owner.email = ""
        account.owner.save(update_fields=["email"])

    queue()

    assert mail.outbox[0].message()["Reply-To"] == "help@saas.example"
