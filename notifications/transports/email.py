"""E-mail through Django's configured e-mail backend (SMTP, console, …)."""

import smtplib
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from ..links import one_click_unsubscribe_url, unsubscribe_url
from ..models import Message
from .base import Transport, TransportError

DJANGO_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Same settings, but a connection lost during DATA is "outcome unknown", not a failure.
SMTP_BACKEND = "notifications.transports.smtp.EmailBackend"


class EmailTransport(Transport):
    def send(self, message: Message) -> str:
        # A stable Message-ID per outbox row: a resend after an unknown
        # outcome is recognisably the same e-mail to receiving servers.
        message_id = f"<opencsm-{message.pk}@{settings.SITE_URL.split('//')[-1].split('/')[0]}>"
        headers = {"Message-ID": message_id}
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
            connection=_connection(),
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        # OutcomeUnknown (the SMTP backend's) passes through: the delivery loop settles it.
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise TransportError(
                f"Recipient refused: {error.recipients}", permanent=True
            ) from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TransportError(f"{type(error).__name__}: {error}") from error
        return message_id


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


def _connection():
    backend = settings.EMAIL_BACKEND
    return get_connection(
        SMTP_BACKEND if backend == DJANGO_SMTP_BACKEND else backend, fail_silently=False
    )
