"""Development backends: each e-mail and SMS becomes a file in the mail folder, not console text."""

from datetime import UTC, datetime

import pytest
import time_machine

from core.causes import Cause
from notifications import mail_folder
from notifications.models import Channel, MessageStatus
from notifications.services import queue_customer_message

pytestmark = pytest.mark.django_db

RECEIPT = "e1-payment-receipt"
REMINDER = "f1-reminder-day-sms"
NOW = datetime(2025, 10, 6, 11, 0, tzinfo=UTC)


@pytest.fixture
def folder(settings, tmp_path):
    settings.EMAIL_BACKEND = mail_folder.EMAIL_BACKEND
    settings.SMS_BACKEND = "console"
    settings.DEV_MAIL_DIR = tmp_path / "var" / "mail"
    return settings.DEV_MAIL_DIR


def send(account, capture, template_key, cause_key, data):
    with capture(execute=True):
        message, _ = queue_customer_message(
            account=account,
            template_key=template_key,
            cause_key=cause_key,
            cause=Cause.by_system(),
            data=data,
        )
    message.refresh_from_db()
    return message


def send_receipt(account, capture, cause_key="payment:in_1"):
    data = {"amount": "99.00", "currency": "USD", "invoice_id": cause_key}
    return send(account, capture, RECEIPT, cause_key, data)


def stored() -> list:
    return [mail_folder.read(name) for name in mail_folder.newest_first()]


def send_reminder(account, capture):
    data = {"appointment_kind": "Success session", "starts_at": "Tue 10:00"}
    return send(account, capture, REMINDER, "appointment:1:day", data)


def test_an_email_is_written_to_the_folder_and_not_printed(
    folder, account, contact, django_capture_on_commit_callbacks, capsys
):
    with time_machine.travel(NOW, tick=False):
        message = send_receipt(account, django_capture_on_commit_callbacks)

    assert message.status == MessageStatus.SENT
    (written,) = stored()
    assert (written.channel, written.recipient) == (Channel.EMAIL, "jordan@acme.example")
    assert written.subject == message.subject
    assert written.sent_at == NOW
    assert written.text.strip() == message.body_text.strip()
    assert list(folder.glob("*.eml")) == [folder / written.name]
    assert message.body_text.splitlines()[0] not in capsys.readouterr().out


def test_an_sms_is_written_to_the_folder_and_not_printed(
    folder, account, contact, django_capture_on_commit_callbacks, capsys
):
    message = send_reminder(account, django_capture_on_commit_callbacks)

    assert message.status == MessageStatus.SENT
    (written,) = stored()
    assert (written.channel, written.recipient) == (Channel.SMS, contact.phone)
    assert written.text.strip() == message.body_text.strip()
    assert message.body_text not in capsys.readouterr().out


def test_the_folder_lists_the_newest_message_first(
    folder, account, contact, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        send_receipt(account, django_capture_on_commit_callbacks, "payment:in_1")
    with time_machine.travel(NOW.replace(minute=5), tick=False):
        send_receipt(account, django_capture_on_commit_callbacks, "payment:in_2")

    listed = stored()

    assert ["in_2" in m.text for m in listed] == [True, False]
    assert mail_folder.read(listed[1].name).text == listed[1].text


def test_a_name_outside_the_folders_own_files_is_not_read(folder):
    folder.mkdir(parents=True)
    (folder.parent / "secret.eml").write_text("To: x@example.com\n\nsecret")

    assert mail_folder.read("../secret.eml") is None
    assert mail_folder.read("20251006T110000.000000-email-00000000.eml") is None


def test_the_folder_is_in_use_only_with_the_development_backends(settings, folder):
    assert mail_folder.in_use()

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert mail_folder.in_use()  # SMS still go to the folder

    settings.SMS_BACKEND = "twilio"
    assert not mail_folder.in_use()
