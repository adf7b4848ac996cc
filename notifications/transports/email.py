"""E-mail through Django's configured e-mail backend (SMTP, console, …).

A batch goes over one connection (Django's get_connection, opened once,
send_messages per message so each has its own outcome). After any error the
connection is closed and the next message opens a new one; a connection
that cannot be opened at all fails the rest of the batch the same way,
before anything was handed over (safe to retry), rather than waiting for
the same timeout once per message.
"""

import contextlib
import smtplib
from collections.abc import Iterator, Sequence
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from ..links import one_click_unsubscribe_url, unsubscribe_url
from ..models import Message
from .base import OutcomeUnknown, Transport, TransportError

DJANGO_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Same settings, but a connection lost during DATA is "outcome unknown", not a failure.
SMTP_BACKEND = "notifications.transports.smtp.EmailBackend"


class EmailTransport(Transport):
    def send(self, message: Message) -> str:
        outcome = next(self.send_many([message]))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def send_many(self, messages: Sequence[Message]) -> Iterator[str | Exception]:
        connection = _connection()
        opened = False
        try:
            for index, message in enumerate(messages):
                if not opened:
                    try:
                        connection.open()
                    except Exception as error:  # refused, DNS, login: nothing was handed over
                        failure = _classified(error)
                        for _ in messages[index:]:
                            yield failure
                        return
                    opened = True
                try:
                    connection.send_messages([email_for(message, connection)])
                except Exception as error:
                    _close(connection)
                    opened = False
                    yield _classified(error)
                else:
                    yield message_id_for(message)
        finally:
            if opened:
                _close(connection)


def message_id_for(message: Message) -> str:
    """A stable Message-ID per outbox row: a resend after an unknown outcome is
    recognisably the same e-mail to receiving servers."""
    return f"<opencsm-{message.pk}@{settings.SITE_URL.split('//')[-1].split('/')[0]}>"


def email_for(message: Message, connection) -> EmailMultiAlternatives:
    """The e-mail for one outbox row (its contact and account owner loaded)."""
    headers = {"Message-ID": message_id_for(message)}
    if message.contact_id and not message.transactional:
        one_click = one_click_unsubscribe_url(message.contact)
        headers["List-Unsubscribe"] = f"<{one_click}>, <{unsubscribe_url(message.contact)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.recipient],
        reply_to=reply_to(message),
        headers=headers,
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments or []:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return email


def reply_to(message: Message) -> list[str]:
    """Where a customer's reply goes: the account's owner, else the company's support address.

    The texts say "reply, it goes straight to me"; staff copies need no Reply-To.
    """
    if message.user_id is not None:
        return []
    owner = message.account.owner if message.account_id else None
    if owner is not None and owner.email:
        return [formataddr((owner.get_full_name(), owner.email))]
    return [settings.COMPANY_SUPPORT_EMAIL]


def _classified(error: Exception) -> Exception:
    # OutcomeUnknown (the SMTP backend's) passes through: the delivery loop settles it.
    if isinstance(error, OutcomeUnknown | TransportError):
        return error
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return TransportError(f"Recipient refused: {error.recipients}", permanent=True)
    if isinstance(error, TimeoutError | smtplib.SMTPException | OSError):
        return TransportError(f"{type(error).__name__}: {error}")
    return error


def _close(connection) -> None:
    """Close after use or after an error; a connection that broke may fail to say goodbye."""
    with contextlib.suppress(Exception):  # nothing left to do with a broken connection
        connection.close()


def _connection():
    backend = settings.EMAIL_BACKEND
    return get_connection(
        SMTP_BACKEND if backend == DJANGO_SMTP_BACKEND else backend, fail_silently=False
    )
