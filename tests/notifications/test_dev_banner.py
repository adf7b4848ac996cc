"""`manage.py dev_banner`: what `make run` prints last, once the server answers."""

import io

import pytest
from django.core.management import call_command

from notifications import mail_folder


def banner(**options) -> str:
    out = io.StringIO()
    call_command("dev_banner", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def keeping_mail(settings):
    settings.EMAIL_BACKEND = mail_folder.EMAIL_BACKEND
    settings.SMS_BACKEND = "console"
    settings.DEV_MAIL_DIR = settings.BASE_DIR / "var" / "mail"


def test_the_banner_names_the_address_the_login_and_the_mail_folder(settings, keeping_mail):
    settings.DEMO_PASSWORD = "s3cret-demo"

    text = banner(url="http://127.0.0.1:8123")

    assert "http://127.0.0.1:8123" in text
    assert "admin / s3cret-demo" in text
    assert "var/mail/" in text
    assert "http://127.0.0.1:8123/dev-mail/" in text
    assert "LOG_LEVEL=INFO" in text


def test_with_real_email_the_banner_names_only_the_sms_kept(settings, keeping_mail):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

    text = banner(url="http://127.0.0.1:8000")

    assert "SMS are not sent: each is kept in var/mail/" in text
    assert "E-mail and SMS are not sent" not in text


def test_without_the_development_backends_the_banner_says_mail_is_sent(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SMS_BACKEND = "twilio"

    text = banner(url="http://127.0.0.1:8000")

    assert "var/mail" not in text
    assert "/dev-mail/" not in text
    assert "E-mail and SMS are sent for real" in text
