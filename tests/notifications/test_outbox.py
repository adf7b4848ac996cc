"""The outbox: queued with its cause, delivered once, retried, never doubled."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from accounts.services import opt_out_contact
from core import clock
from core.causes import Cause
from notifications import delivery
from notifications.models import Message, MessageStatus
from notifications.services import queue_customer_message, retry_message
from tests.notifications.backends import outage, refused

pytestmark = pytest.mark.django_db

RECEIPT = "e1-payment-receipt"  # transactional
REENGAGE = "d1-reengagement"  # marketing


@pytest.fixture
def queue(account, contact, django_capture_on_commit_callbacks):
    """Queue a message the way a playbook does, delivering after commit."""

    def queue(template_key=RECEIPT, cause_key="payment:in_1", data=None):
        with django_capture_on_commit_callbacks(execute=True):
            return queue_customer_message(
                account=account,
                template_key=template_key,
                cause_key=cause_key,
                cause=Cause.by_workflow_run(1),
                data=data or {"amount": "99.00", "currency": "USD", "invoice_id": "in_1"},
            )

    return queue


def test_a_queued_email_is_delivered_after_commit(queue, account):
    message, created = queue()

    message.refresh_from_db()
    assert created
    assert message.status == MessageStatus.SENT
    assert message.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jordan@acme.example"]
    assert mail.outbox[0].body == message.body_text
    assert "Jordan" in message.body_text
    assert message.cause_run_id == 1


def test_the_same_cause_twice_sends_one_message(queue):
    first, _ = queue()
    again, created = queue()

    assert (again.pk, created) == (first.pk, False)
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_message_is_not_sent_if_its_transaction_rolls_back(account, contact):
    def change_that_fails():
        with transaction.atomic():
            queue_customer_message(
                account=account, template_key=RECEIPT, cause_key="x", cause=Cause.by_system()
            )
            raise RuntimeError("the change that caused it failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_an_smtp_outage_keeps_the_message_queued_and_a_later_retry_sends_it_once(queue, flaky_smtp):
    flaky_smtp.failure = outage()
    message, _ = queue()

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert "SMTPServerDisconnected" in message.last_error
    assert message.attempts == 1
    assert message.next_attempt_at > clock.now()
    assert mail.outbox == []

    flaky_smtp.failure = None
    assert delivery.deliver_due() == 0, "not due before its back-off"
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        assert delivery.deliver_due() == 1
        assert delivery.deliver_due() == 0

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 1


def test_delivering_the_same_message_twice_sends_it_once(queue, flaky_smtp):
    flaky_smtp.failure = outage()
    message, _ = queue()
    flaky_smtp.failure = None

    with time_machine.travel(clock.now() + timedelta(hours=1)):
        assert delivery.deliver(message.pk) == MessageStatus.SENT
        assert delivery.deliver(message.pk) == MessageStatus.SENT

    assert len(mail.outbox) == 1


def test_a_refused_address_fails_at_once_and_a_manager_can_retry_it(queue, flaky_smtp):
    flaky_smtp.failure = refused("jordan@acme.example")
    message, _ = queue()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "Recipient refused" in message.last_error

    flaky_smtp.failure = None
    assert retry_message(message=message)
    assert delivery.deliver(message.pk) == MessageStatus.SENT
    assert not retry_message(message=message), "only failed messages are retried"
    assert len(mail.outbox) == 1


def test_an_outage_that_outlasts_every_attempt_fails_the_message(queue, flaky_smtp, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    flaky_smtp.failure = outage()
    message, _ = queue()
    for _ in range(2):
        message.refresh_from_db()
        with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
            delivery.deliver_due()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)


def test_an_unsubscribed_contact_gets_no_marketing_email_but_does_get_payment_email(queue, contact):
    opt_out_contact(contact=contact, email=True, cause=Cause.by_customer())

    marketing, _ = queue(REENGAGE, cause_key="inactive:1", data={"days_inactive": 9})
    receipt, _ = queue(RECEIPT, cause_key="payment:in_2")

    assert marketing.status == MessageStatus.SUPPRESSED
    assert "unsubscribed" in marketing.last_error
    receipt.refresh_from_db()
    assert receipt.status == MessageStatus.SENT
    assert [m.subject for m in mail.outbox] == [receipt.subject]


def test_marketing_email_carries_an_unsubscribe_link_and_header(queue):
    message, _ = queue(REENGAGE, cause_key="inactive:1")

    assert "/m/unsubscribe/" in message.body_text
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_an_opt_out_between_queuing_and_sending_still_applies(
    account, contact, flaky_smtp, django_capture_on_commit_callbacks
):
    flaky_smtp.failure = outage()
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = queue_customer_message(
            account=account, template_key=REENGAGE, cause_key="c", cause=Cause.by_system()
        )
    flaky_smtp.failure = None
    opt_out_contact(contact=contact, email=True, cause=Cause.by_customer())

    with time_machine.travel(clock.now() + timedelta(hours=1)):
        delivery.deliver_due()

    message.refresh_from_db()
    assert message.status == MessageStatus.SUPPRESSED
    assert mail.outbox == []


def test_a_contact_without_email_is_recorded_not_sent(queue, contact):
    contact.email = ""
    contact.save()

    message, _ = queue()

    assert message.status == MessageStatus.SUPPRESSED
    assert message.last_error == "Jordan Rivera has no e-mail address."


def test_an_email_left_sending_by_a_dead_worker_is_failed_not_resent(queue, flaky_smtp):
    flaky_smtp.failure = outage()
    message, _ = queue()
    # The worker claimed it and died before recording the outcome.
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, claimed_at=clock.now()
    )
    flaky_smtp.failure = None

    assert delivery.release_stuck_messages() == 0, "not stuck yet"
    with time_machine.travel(clock.now() + delivery.STUCK_AFTER + timedelta(minutes=1)):
        assert delivery.release_stuck_messages() == 1
        delivery.deliver_due()

    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "may or may not have been delivered" in message.last_error
    assert mail.outbox == []
