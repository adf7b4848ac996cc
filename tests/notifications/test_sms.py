"""SMS: the console backend by default, Twilio when configured, opt-outs honoured."""

import io
import json
import urllib.error

import pytest

from accounts.services import opt_out_contact
from core.causes import Cause
from notifications import delivery
from notifications.models import Message, MessageStatus
from notifications.services import queue_customer_message
from notifications.transports.twilio import TwilioSmsTransport

pytestmark = pytest.mark.django_db

REMINDER = "f1-reminder-day-sms"


def queue_sms(account, capture, cause_key="appointment:1:day"):
    with capture(execute=True):
        message, _ = queue_customer_message(
            account=account,
            template_key=REMINDER,
            cause_key=cause_key,
            cause=Cause.by_system(),
            data={"appointment_kind": "Success session", "starts_at": "Tue 10:00"},
            links={"reschedule": "https://cs.example/r/abc"},
        )
    message.refresh_from_db()
    return message


def test_an_sms_goes_to_the_primary_contacts_phone(
    account, contact, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level("INFO", logger="opencsm.sms")

    message = queue_sms(account, django_capture_on_commit_callbacks)

    assert message.recipient == contact.phone
    assert message.status == MessageStatus.SENT
    assert "https://cs.example/r/abc" in message.body_text
    assert message.body_text in caplog.text


def test_an_sms_opt_out_stops_even_transactional_sms(
    account, contact, django_capture_on_commit_callbacks
):
    opt_out_contact(contact=contact, sms=True, cause=Cause.by_customer("STOP"))

    message = queue_sms(account, django_capture_on_commit_callbacks)

    assert message.status == MessageStatus.SUPPRESSED
    assert "opted out of SMS" in message.last_error


class FakeTwilio:
    """Stands in for urllib's urlopen: records the request, answers like Twilio."""

    def __init__(self, status=201, body=None):
        self.status, self.body, self.requests = status, body or {"sid": "SM123"}, []

    def __call__(self, request, timeout):
        self.requests.append(request)
        if self.status >= 400:
            raise urllib.error.HTTPError(
                request.full_url, self.status, "error", {}, io.BytesIO(b'{"message": "bad To"}')
            )
        return io.BytesIO(json.dumps(self.body).encode())


@pytest.fixture
def twilio(settings, monkeypatch):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC1"
    settings.TWILIO_AUTH_TOKEN = "secret"
    settings.TWILIO_FROM_NUMBER = "+15550000000"
    fake = FakeTwilio()
    monkeypatch.setattr("urllib.request.urlopen", fake)
    return fake


def test_twilio_receives_the_message_and_its_sid_is_kept(
    account, contact, twilio, django_capture_on_commit_callbacks
):
    message = queue_sms(account, django_capture_on_commit_callbacks)

    assert message.status == MessageStatus.SENT
    assert message.provider_id == "SM123"
    sent = twilio.requests[0]
    assert sent.full_url.endswith("/Accounts/AC1/Messages.json")
    assert b"To=%2B1415555" in sent.data


def test_twilio_refusing_a_number_fails_the_message_without_retrying(
    account, contact, twilio, django_capture_on_commit_callbacks
):
    twilio.status = 400

    message = queue_sms(account, django_capture_on_commit_callbacks)

    assert message.status == MessageStatus.FAILED
    assert "Twilio 400" in message.last_error


def test_twilio_server_errors_are_retried(
    account, contact, twilio, django_capture_on_commit_callbacks
):
    twilio.status = 503

    message = queue_sms(account, django_capture_on_commit_callbacks)

    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1


def test_twilio_without_credentials_fails_clearly(account, contact, settings):
    settings.TWILIO_ACCOUNT_SID = ""
    message = Message(pk=1, recipient="+14155550100", body_text="hi")
    with pytest.raises(Exception, match="Twilio credentials are not configured"):
        TwilioSmsTransport().send(message)


def test_delivery_of_an_unknown_message_id_does_nothing(db):
    assert delivery.deliver(999_999) == ""
