"""E-mail through Django's configured e-mail backend (SMTP, console, …)."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from ..links import one_click_unsubscribe_url, unsubscribe_url
from ..models import Message
from .base import Transport, TransportError


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
            headers=headers,
            connection=get_connection(fail_silently=False),
        )
        if message.body_html:
            email.attach_alternative(message.body_html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as error:
            raise TransportError(
                f"Recipient refused: {error.recipients}", permanent=True
            ) from error
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise TransportError(f"{type(error).__name__}: {error}") from error
        return message_id
