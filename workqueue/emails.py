"""A template e-mail to the account's primary contact, sent from a signal in the queue.

It leaves through the outbox like any playbook's message (opt-outs, the interactive
lane of a person's action, one message per cause), and, once queued, counts as a touch
on the account, joined to the signal. The form carries a key made when the preview was
drawn: a double click, or the same form sent twice, finds the first message and sends
nothing more.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from core.causes import Cause
from notifications.models import Audience, Channel, Message, MessageStatus, MessageTemplate
from notifications.services import Composed, compose_customer_message, queue_customer_message

from .models import Signal, Touch, TouchKind
from .touches import log_touch


def email_templates() -> QuerySet[MessageTemplate]:
    """The e-mails a CSM may send by hand: the customer ones that are not transactional
    (a transactional text would reach contacts who unsubscribed)."""
    return MessageTemplate.objects.filter(
        audience=Audience.CUSTOMER, channel=Channel.EMAIL, transactional=False
    ).order_by("name")


def email_template(key: str) -> MessageTemplate:
    """One of `email_templates()`, or a clear refusal."""
    template = email_templates().filter(key=key).first()
    if template is None:
        raise ValidationError("Choose one of the e-mail templates.", code="unknown_template")
    return template


def new_send_key() -> str:
    """The key a preview's send form carries: the same form sent again sends once."""
    return uuid.uuid4().hex


def preview_email(*, signal: Signal, template: MessageTemplate) -> Composed:
    """The e-mail as this signal's primary contact would get it, and why not, if not."""
    return compose_customer_message(account=signal.account, template=template)


@dataclass(frozen=True)
class Sent:
    """What sending did: the outbox's message, whether this call wrote it, the touch."""

    message: Message
    created: bool
    touch: Touch | None

    @property
    def refused(self) -> str:
        """Why the outbox will not send it ("" if it will)."""
        return self.message.last_error if self.message.status == MessageStatus.SUPPRESSED else ""


@transaction.atomic
def send_template_email(
    *, signal: Signal, template: MessageTemplate, send_key: str, author
) -> Sent:
    """Queue `template` for the primary contact (interactive lane) and log it as a touch.

    A message the opt-outs stop is kept by the outbox with its reason and logs no touch;
    a repeat of `send_key` returns the first message and logs nothing.
    """
    if not send_key or len(send_key) > 64:
        raise ValidationError("Preview the e-mail again, then send it.", code="no_send_key")
    message, created = queue_customer_message(
        account=signal.account,
        template_key=template.key,
        cause_key=f"workqueue:email:{send_key}",
        cause=Cause.by_user(author, "work queue"),
    )
    touch = None
    if created and message.status != MessageStatus.SUPPRESSED:
        touch = log_touch(
            account=signal.account,
            kind=TouchKind.EMAIL,
            summary=f"“{message.subject}” ({template.name})",
            author=author,
            contact=message.contact,
            signal=signal,
        )
    return Sent(message=message, created=created, touch=touch)
